package unclip4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.Tensor;

/** The host-side parts of module loading: PTX entry names, the build manifest, cubin choice, layouts. */
class PtxModulesTest {

    @Test
    void entryNamesFromPtx() {
        String ptx = """
                .version 9.0
                .target sm_80
                .address_size 64
                	// .globl	gemm_v1_naive
                .visible .entry gemm_v1_naive(
                	.param .u64 gemm_v1_naive_param_0
                )
                .func helper(
                .entry local_kernel (
                .visible .entry gemm_v2_smem(
                """;
        assertEquals(List.of("gemm_v1_naive", "local_kernel", "gemm_v2_smem"), List.copyOf(PtxModules.entryNames(ptx)));
    }

    @Test
    void manifestParses() {
        PtxModules.Manifest m = PtxModules.parseManifest("""
                nvcc: nvcc 13.0 (V13.0.88)
                driver-min: 13000
                ptx: compute_80
                cubin: sm_80 sm_86 sm_89 sm_90\s
                module: attention
                module: gemm
                """);
        assertEquals("nvcc 13.0 (V13.0.88)", m.nvcc());
        assertEquals(13000, m.driverMin());
        assertEquals(List.of("sm_80", "sm_86", "sm_89", "sm_90"), m.cubinArchs());
        assertEquals(List.of("attention", "gemm"), m.modules());
    }

    @Test
    void cubinChoiceFollowsBinaryCompatibility() {
        List<String> archs = List.of("sm_80", "sm_86", "sm_89", "sm_90");
        assertEquals("sm_90", PtxModules.cubinFor(9, 0, archs));
        assertEquals("sm_89", PtxModules.cubinFor(8, 9, archs));
        assertEquals("sm_86", PtxModules.cubinFor(8, 7, archs));
        assertEquals("sm_80", PtxModules.cubinFor(8, 0, archs));
        assertNull(PtxModules.cubinFor(10, 0, archs), "Blackwell: JIT from PTX");
        assertNull(PtxModules.cubinFor(12, 0, archs));
    }

    @Test
    void layoutPacksShapeStridesAndRank() {
        Tensor t = Tensor.zeros(unclip4j.tensor.DType.F32, 2, 3, 4).transpose(0, 2);
        long[] l = Layout.of(t);
        assertEquals(17, l.length);
        assertArrayEquals(new long[] {4, 3, 2}, java.util.Arrays.copyOfRange(l, 0, 3));
        assertArrayEquals(new long[] {1, 4, 12}, java.util.Arrays.copyOfRange(l, 8, 11));
        assertEquals(3, l[16]);
    }

    @Test
    void signaturesAndArgumentChecks() {
        String ptx = """
                .visible .entry k1(
                	.param .u64 k1_param_0,
                	.param .u32 k1_param_1,
                	.param .f32 k1_param_2,
                	.param .align 8 .b8 k1_param_3[136]
                )
                {
                	ld.param.u64 %rd1, [k1_param_0];
                }
                .visible .entry k2()
                {
                }
                """;
        java.util.Map<String, List<String>> sigs = PtxModules.signatures(ptx);
        assertEquals(List.of("u64", "u32", "f32", "b8[136]"), sigs.get("k1"));
        assertEquals(List.of(), sigs.get("k2"));
        List<String> k1 = sigs.get("k1");
        assertNull(Launch.mismatch(k1, new Launch.Ptr(8), 3, 1f, new long[17]));
        assertEquals("parameter 1 is .u32 but the launcher passed Long", Launch.mismatch(k1, new Launch.Ptr(8), 3L, 1f, new long[17]));
        assertEquals("parameter 2 is .f32 but the launcher passed Integer", Launch.mismatch(k1, new Launch.Ptr(8), 3, 1, new long[17]));
        assertEquals("parameter 3 is .b8[136] but the launcher passed long[16]", Launch.mismatch(k1, new Launch.Ptr(8), 3, 1f, new long[16]));
        assertEquals("takes 4 parameters [u64, u32, f32, b8[136]], the launcher passed 3", Launch.mismatch(k1, new Launch.Ptr(8), 3, 1f));
    }

    /** Every kernel the build made: its signature parses, with one entry per parameter in the PTX text. */
    @Test
    void everyBuiltKernelHasAParsedSignature() {
        PtxModules.Manifest m = PtxModules.manifest();
        org.junit.jupiter.api.Assumptions.assumeTrue(m != null, "kernels not built (no nvcc at build time)");
        for (String module : m.modules()) {
            String ptx = PtxModules.ptx(module);
            java.util.Map<String, List<String>> sigs = PtxModules.signatures(ptx);
            assertEquals(PtxModules.entryNames(ptx), sigs.keySet().stream().collect(java.util.stream.Collectors.toSet()), module);
            for (var e : sigs.entrySet()) {
                long params = ptx.lines().filter(l -> l.trim().startsWith(".param") && l.contains(e.getKey() + "_param_")).count();
                assertEquals(params, e.getValue().size(), module + ":" + e.getKey() + " " + e.getValue());
            }
        }
    }

    @Test
    void gridsOutsideCudasLimitsAreRefusedWithTheNumbers() {
        assertNull(Launch.gridProblem(1, 1, 1));
        assertNull(Launch.gridProblem(Integer.MAX_VALUE, 65535, 65535));
        assertEquals("grid 1 × 65536 × 1 blocks is outside CUDA's limits (x ≤ 2^31 − 1, y and z ≤ 65535, each ≥ 1)",
                Launch.gridProblem(1, 65536, 1));
        assertNotNull(Launch.gridProblem(1, 1, 65536));
        assertNotNull(Launch.gridProblem(1L << 31, 1, 1));
        assertNotNull(Launch.gridProblem(0, 1, 1));
        // gemm v1 tiles rows by 8 along y: 8·65535 rows fit, one more does not
        assertNull(Launch.gridProblem(1, Math.ceilDiv(8 * 65535, 8), 1));
        assertNotNull(Launch.gridProblem(1, Math.ceilDiv(8 * 65535 + 1, 8), 1));
    }
}
