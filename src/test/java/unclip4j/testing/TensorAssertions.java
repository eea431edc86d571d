package unclip4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/** Tensor comparisons shared by all tests. */
public final class TensorAssertions {
    private TensorAssertions() {}

    /** Relative L2 error {@code ‖actual − expected‖₂ / ‖expected‖₂} in double (absolute error if expected is all zeros). */
    public static double relL2(Tensor expected, Tensor actual) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double diff = 0, norm = 0;
        for (int i = 0; i < e.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** Same shape and relative L2 error at most tol (NaN anywhere fails). */
    public static void assertRelL2(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape " + Shape.toString(actual.shape()) + " != expected " + Shape.toString(expected.shape()));
        double err = relL2(expected, actual);
        if (!(err <= tol)) fail("relative L2 error " + err + " > " + tol + " for shape " + Shape.toString(expected.shape()));
    }

    /** Same shape and dtype, and every element equal bit for bit (as raw element values). */
    public static void assertSameValues(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        if (expected.dtype().isFloatingPoint()) assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0);
        else assertArrayEquals(expected.toLongArray(), actual.toLongArray());
    }

    /** Element-wise closeness to hand-computed numbers (row-major order). */
    public static void assertValues(double[] expected, Tensor actual, double tol) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, "element count");
        for (int i = 0; i < a.length; i++) {
            int at = i;
            assertEquals(expected[i], a[i], tol, () -> "element " + at + " of " + actual);
        }
    }
}
