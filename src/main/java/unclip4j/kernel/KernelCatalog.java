package unclip4j.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import unclip4j.backend.cuda.kernels.AttentionKernel;
import unclip4j.backend.cuda.kernels.Conv2dKernel;
import unclip4j.backend.cuda.kernels.ElementwiseKernel;
import unclip4j.backend.cuda.kernels.GemmKernel;
import unclip4j.backend.cuda.kernels.GroupNormKernel;
import unclip4j.backend.cuda.kernels.LayerNormKernel;
import unclip4j.backend.cuda.kernels.PhiloxKernel;
import unclip4j.backend.cuda.kernels.ResizeKernel;
import unclip4j.backend.cuda.kernels.SoftmaxKernel;
import unclip4j.backend.cuda.kernels.TimestepEmbeddingKernel;

/**
 * The one list of every kernel family and its variants (llm.c's Makefile TARGETS): the bench
 * command, the kernel-selection flags and the PTX symbol check all read it.
 */
public final class KernelCatalog {
    private static final Map<String, List<KernelVariant>> FAMILIES = build();

    private KernelCatalog() {}

    private static Map<String, List<KernelVariant>> build() {
        Map<String, List<KernelVariant>> families = new LinkedHashMap<>();
        Stream.of(GemmKernel.values(), Conv2dKernel.values(), AttentionKernel.values(), GroupNormKernel.values(),
                        LayerNormKernel.values(), SoftmaxKernel.values(), ElementwiseKernel.values(),
                        TimestepEmbeddingKernel.values(), ResizeKernel.values(), PhiloxKernel.values())
                .flatMap(Stream::of)
                .forEach(v -> families.computeIfAbsent(v.family(), f -> new ArrayList<>()).add(v));
        families.replaceAll((f, vs) -> List.copyOf(vs));
        return families;
    }

    /** Family names in catalog order. */
    public static List<String> families() {
        return List.copyOf(FAMILIES.keySet());
    }

    /** The variants of a family, baseline first; IllegalArgumentException naming the known families. */
    public static List<KernelVariant> variants(String family) {
        List<KernelVariant> vs = FAMILIES.get(family);
        if (vs == null) throw new IllegalArgumentException("unknown kernel family '" + family + "'; known: " + String.join(", ", FAMILIES.keySet()));
        return vs;
    }

    public static KernelVariant defaultOf(String family) {
        return variants(family).stream().filter(KernelVariant::isDefault).findFirst()
                .orElseThrow(() -> new IllegalStateException("family " + family + " has no default variant"));
    }

    /** Every variant of every family. */
    public static List<KernelVariant> all() {
        return FAMILIES.values().stream().flatMap(List::stream).toList();
    }

    /**
     * The variant of a family named by a token: its full id ({@code v3_regblock}), its number alone
     * ({@code v3}), {@code library} or {@code library_tf32}; case-insensitive.
     */
    public static KernelVariant find(String family, String token) {
        String t = token.trim().toLowerCase(java.util.Locale.ROOT);
        for (KernelVariant v : variants(family)) {
            if (v.id().equals(t)) return v;
        }
        for (KernelVariant v : variants(family)) {
            if (v.id().startsWith(t + "_")) return v;
        }
        throw new IllegalArgumentException("no variant '" + token + "' of " + family + "; known: "
                + String.join(", ", variants(family).stream().map(KernelVariant::id).toList()));
    }
}
