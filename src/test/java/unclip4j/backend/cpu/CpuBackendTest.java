package unclip4j.backend.cpu;

import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * What only the CPU backend has: Im2colConv's row bands and reused column buffer, the choice of conv
 * algorithm, and its float erf (WinogradConv has its own test).
 * The ops themselves are tested on every backend by {@code unclip4j.backend.BackendOpsTest}.
 */
class CpuBackendTest {
    private static final double TOL = 1e-5;
    private static final ReferenceOps REF = new ReferenceOps();

    @Test
    void conv2dInBandsOfOutputRows() {
        Tensor x = randn(1, 2, 6, 19, 23), w = randn(2, 8, 6, 3, 3), b = randn(3, 8);
        Tensor expected = REF.conv2d(x, w, b, 1, 1);
        // a col budget of one or three output rows (6·9 rows × 23 columns × 4 bytes each)
        assertRelL2(expected, Im2colConv.conv2d(x, w, b, 1, 1, 6L * 9 * 23 * 4), TOL);
        assertRelL2(expected, Im2colConv.conv2d(x, w, b, 1, 1, 3 * 6L * 9 * 23 * 4), TOL);
        assertRelL2(REF.conv2d(x, w.to(DType.F16), b, 2, 1), new CpuBackend().conv2d(x, w.to(DType.F16), b, 2, 1), TOL);
    }

    /** The col buffer is reused between calls without zeroing: padding wider than the kernel's half, and a small call after a big one. */
    @Test
    void conv2dColumnsAreRewrittenOnEveryCall() {
        int[][] cases = {{2, 6, 17, 13, 5, 3, 1, 1}, {1, 3, 5, 4, 2, 3, 1, 2}, {1, 2, 1, 1, 3, 3, 1, 2}, {1, 3, 8, 7, 4, 3, 3, 2}, {1, 2, 3, 3, 2, 3, 1, 1}};
        long seed = 40;
        for (int[] c : cases) {
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]), w = randn(seed++, c[4], c[1], c[5], c[5]), b = randn(seed++, c[4]);
            assertRelL2(REF.conv2d(x, w, b, c[6], c[7]), Im2colConv.conv2d(x, w, b, c[6], c[7]), TOL);
        }
    }

    @Test
    void floatErfIsAccurate() {
        double worst = 0;
        for (int i = -60000; i <= 60000; i++) {
            float x = i * 1e-4f;
            worst = Math.max(worst, Math.abs(VectorKernels.erf(x) - Erf.erf(x)));
        }
        assertTrue(worst < 5e-7, "max |erf error| " + worst);
    }

    @Test
    void namesSayWhichPathRuns() {
        assertEquals("cpu-vector", new CpuBackend(true, ConvAlgorithm.AUTO).name());
        assertTrue(new CpuBackend(false, ConvAlgorithm.AUTO).name().startsWith("cpu"), new CpuBackend(false, ConvAlgorithm.AUTO).name());
        assertEquals("cpu-vector conv=winograd_f2", new CpuBackend(true, ConvAlgorithm.WINOGRAD_F2).name());
    }

    /** AUTO at the decoder's and SR's levels (batch 2 and 1): F(4×4), F(2×2) or im2col by the count of output tiles. */
    @Test
    void autoPicksTheConvAlgorithmByTileCount() {
        Tensor w = Tensor.zeros(DType.F32, 8, 8, 3, 3);
        // tiles per sample: the batch never changes the choice
        assertEquals(WinogradConv.F4, ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 2, 8, 64, 64), w, 1, 1));  // 256 4×4 tiles
        assertEquals(WinogradConv.F4, ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 1, 8, 64, 64), w, 1, 1));  // 256
        assertEquals(WinogradConv.F2, ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 2, 8, 32, 32), w, 1, 1));  // 64, 256 2×2
        assertEquals(WinogradConv.F2, ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 1, 8, 32, 32), w, 1, 1));  // 64, 256 2×2
        assertNull(ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 2, 8, 16, 16), w, 1, 1));                     // 64 2×2 tiles
        assertNull(ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 8, 8, 16, 16), w, 1, 1));                     // 64, though 512 in all
        assertNull(ConvAlgorithm.AUTO.tiling(Tensor.zeros(DType.F32, 1, 8, 256, 256), w, 2, 1));                    // strided
        assertNull(ConvAlgorithm.WINOGRAD_F4.tiling(Tensor.zeros(DType.F32, 1, 8, 64, 64), Tensor.zeros(DType.F32, 8, 8, 1, 1), 1, 0));
        assertNull(ConvAlgorithm.IM2COL.tiling(Tensor.zeros(DType.F32, 1, 8, 256, 256), w, 1, 1));
        assertEquals(WinogradConv.F2, ConvAlgorithm.WINOGRAD_F2.tiling(Tensor.zeros(DType.F32, 1, 8, 4, 4), w, 1, 1));
    }

    @Test
    void convAlgorithmNamesParse() {
        assertEquals(ConvAlgorithm.WINOGRAD_F4, ConvAlgorithm.parse(" Winograd_F4"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvAlgorithm.parse("fft"));
        assertEquals("unknown CPU conv algorithm 'fft' (expected one of [auto, im2col, winograd_f2, winograd_f4])", e.getMessage());
    }
}
