package unclip4j.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Which variant each kernel family runs: an explicit {@code --kernel gemm=v3,group_norm=v2}, else the
 * system property {@code -Dunclip4j.kernel.<family>=v2}, else the family's default. Families not
 * named keep their default, so a choice is always complete.
 */
public final class KernelChoice {
    public static final String PROPERTY_PREFIX = "unclip4j.kernel.";

    private final Map<String, KernelVariant> explicit;

    private KernelChoice(Map<String, KernelVariant> explicit) {
        this.explicit = Collections.unmodifiableMap(explicit);
    }

    /** Only defaults and system properties. */
    public static KernelChoice defaults() {
        return new KernelChoice(new LinkedHashMap<>());
    }

    /**
     * Parses {@code family=variant[,family=variant...]} (blank means defaults). One item may be a
     * library variant alone ({@code library_tf32}): it applies to every family that has it (gemm and
     * conv2d) and that the spec does not name. Unknown families or variants are
     * IllegalArgumentExceptions that list the known ones.
     */
    public static KernelChoice parse(String spec) {
        Map<String, KernelVariant> m = new LinkedHashMap<>();
        String everywhere = null;
        if (spec != null) {
            for (String item : spec.split(",")) {
                if (item.isBlank()) continue;
                int eq = item.indexOf('=');
                if (eq < 0 && item.trim().toLowerCase(Locale.ROOT).startsWith("library")) {
                    if (everywhere != null) throw new IllegalArgumentException("one library variant for all families, got " + everywhere + " and " + item.trim());
                    everywhere = item.trim().toLowerCase(Locale.ROOT);
                    continue;
                }
                if (eq <= 0 || eq == item.length() - 1) {
                    throw new IllegalArgumentException("kernel choice '" + item.trim() + "' must look like family=variant, e.g. gemm=v3, "
                            + "or name a library variant for every family that has it, e.g. library_tf32");
                }
                String family = item.substring(0, eq).trim();
                KernelVariant v = KernelCatalog.find(family, item.substring(eq + 1));
                if (m.put(family, v) != null) throw new IllegalArgumentException("kernel family " + family + " chosen twice");
            }
        }
        if (everywhere != null) applyEverywhere(m, everywhere);
        return new KernelChoice(m);
    }

    /** Puts the variant with this library id into every family that has one and is not chosen yet. */
    private static void applyEverywhere(Map<String, KernelVariant> m, String id) {
        boolean found = false;
        for (String f : KernelCatalog.families()) {
            for (KernelVariant v : KernelCatalog.variants(f)) {
                if (!v.id().equals(id)) continue;
                found = true;
                m.putIfAbsent(f, v);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no family has a variant '" + id + "'; library variants: " + String.join(", ",
                    KernelCatalog.all().stream().filter(KernelVariant::isLibrary).map(KernelVariant::id).distinct().sorted().toList()));
        }
    }

    /** The variant this choice runs for a family. */
    public KernelVariant resolve(String family) {
        KernelVariant v = explicit.get(family);
        if (v != null) return v;
        String prop = System.getProperty(PROPERTY_PREFIX + family);
        return prop == null || prop.isBlank() ? KernelCatalog.defaultOf(family) : KernelCatalog.find(family, prop);
    }

    /** Every family with its resolved variant, {@code gemm=v3_regblock, ...}: for logs and run manifests. */
    public String describe() {
        StringJoiner j = new StringJoiner(", ");
        for (String f : KernelCatalog.families()) j.add(f + "=" + resolve(f).id());
        return j.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
