package unclip4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import unclip4j.backend.cuda.kernels.Conv2dKernel;
import unclip4j.backend.cuda.kernels.GemmKernel;
import unclip4j.backend.cuda.kernels.GroupNormKernel;

/** Kernel selection: the catalog's invariants and --kernel parsing. */
class KernelChoiceTest {

    @Test
    void everyFamilyHasExactlyOneDefaultAndWellFormedNames() {
        Set<String> symbols = new HashSet<>();
        for (String f : KernelCatalog.families()) {
            assertEquals(1, KernelCatalog.variants(f).stream().filter(KernelVariant::isDefault).count(), f);
            for (KernelVariant v : KernelCatalog.variants(f)) {
                assertEquals(f, v.family());
                if (v.isLibrary()) {
                    assertTrue(v.id().matches("library(_tf32|_f16|_bf16)?"), v.id());
                } else {
                    assertEquals(f + "_" + v.id(), v.symbol(), "symbol = <family>_<id>");
                    assertTrue(v.id().matches("v\\d+_[a-z0-9_]+") || v.id().equals("words"), v.id());
                    assertTrue(symbols.add(v.symbol()), "duplicate symbol " + v.symbol());
                }
            }
        }
    }

    @Test
    void parsesNumbersFullIdsAndLibrary() {
        KernelChoice c = KernelChoice.parse("gemm=v3, group_norm=V1_NAIVE");
        assertEquals(GemmKernel.V3_REGBLOCK, c.resolve("gemm"));
        assertEquals(GroupNormKernel.V1_NAIVE, c.resolve("group_norm"));
        assertEquals(KernelCatalog.defaultOf("attention"), c.resolve("attention"));
        assertEquals(GemmKernel.LIBRARY, KernelChoice.parse("gemm=library").resolve("gemm"));
        assertEquals(GemmKernel.V1_NAIVE, KernelChoice.parse("gemm=v1_naive").resolve("gemm"));
        assertTrue(KernelChoice.parse("").describe().contains("gemm=" + GemmKernel.DEFAULT.id()));
        assertTrue(c.describe().contains("group_norm=v1_naive"));
    }

    @Test
    void aLibraryVariantAloneAppliesToEveryFamilyThatHasIt() {
        KernelChoice c = KernelChoice.parse("library_tf32");
        assertEquals(GemmKernel.LIBRARY_TF32, c.resolve("gemm"));
        assertEquals(Conv2dKernel.LIBRARY_TF32, c.resolve("conv2d"));
        assertEquals(KernelCatalog.defaultOf("attention"), c.resolve("attention"), "no library attention: the default stays");
        KernelChoice mixed = KernelChoice.parse("gemm=library_f16, LIBRARY_TF32");
        assertEquals(GemmKernel.LIBRARY_F16, mixed.resolve("gemm"), "a family the spec names keeps its variant");
        assertEquals(Conv2dKernel.LIBRARY_TF32, mixed.resolve("conv2d"));
        assertEquals(GemmKernel.LIBRARY_BF16, KernelChoice.parse("library_bf16").resolve("gemm"));
        assertEquals(Conv2dKernel.DEFAULT, KernelChoice.parse("library_bf16").resolve("conv2d"), "conv2d has no bf16 library variant");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("library_fp8"));
        assertTrue(e.getMessage().contains("library variants: library, library_bf16, library_f16, library_tf32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("library,library_tf32"));
    }

    @Test
    void rejectsUnknownAndMalformedChoicesWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("gemm=v9"));
        assertTrue(e.getMessage().contains("v3_regblock"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("gemmm=v1"));
        assertTrue(e.getMessage().contains("known: gemm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("gemm"));
        assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("gemm="));
        assertThrows(IllegalArgumentException.class, () -> KernelChoice.parse("gemm=v1,gemm=v2"));
    }

    @Test
    void systemPropertyOverridesTheDefaultButNotAnExplicitChoice() {
        String key = KernelChoice.PROPERTY_PREFIX + "gemm";
        System.setProperty(key, "v2");
        try {
            assertEquals(GemmKernel.V2_SMEM, KernelChoice.defaults().resolve("gemm"));
            assertEquals(GemmKernel.V1_NAIVE, KernelChoice.parse("gemm=v1").resolve("gemm"));
        } finally {
            System.clearProperty(key);
        }
        assertEquals(GemmKernel.DEFAULT, KernelChoice.defaults().resolve("gemm"));
    }

    @Test
    void checkRuleReportsTheWorstElements() {
        float[] want = {1, 2, 3, 4, Float.NaN};
        KernelCheck.Result ok = KernelCheck.compare(want, new float[] {1, 2, 3.00001f, 4, Float.NaN}, 1e-6, 1e-5);
        assertTrue(ok.ok(), ok.summary());
        KernelCheck.Result bad = KernelCheck.compare(want, new float[] {1, 2.5f, 3, 5, 0}, 1e-6, 1e-5);
        assertEquals(3, bad.failures());
        assertEquals(4, bad.worst().getFirst().index(), "NaN want vs number is the worst");
        assertEquals(3, bad.worst().get(1).index());
        assertEquals(1e-5 / Math.sqrt(30), ok.relL2(), 1e-8, "over the finite elements 1, 2, 3, 4");
        assertEquals(1e-5, ok.maxAbsErr(), 1e-7);
    }
}
