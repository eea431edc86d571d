package unclip4j.backend.cpu;

import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * What only the CPU backend has: Im2colConv's row bands and reused column buffer, and its float erf.
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
        assertEquals("cpu-vector", new CpuBackend(true).name());
        assertTrue(new CpuBackend(false).name().startsWith("cpu"), new CpuBackend(false).name());
    }
}
