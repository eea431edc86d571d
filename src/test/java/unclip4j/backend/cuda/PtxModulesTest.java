package unclip4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
