package unclip4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import unclip4j.tensor.Tensor;

/** The karlo-tiny fixtures on the test class path, and the relative-L2 comparison their MANIFEST defines. */
public final class Fixtures {
    private Fixtures() {}

    /** {@code src/test/resources/fixtures/karlo-tiny/<name>}. */
    public static Path file(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/karlo-tiny/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture " + name + " is not on the test class path", e);
        }
    }

    /** ‖actual − expected‖ / ‖expected‖ over the whole tensor (shapes must match), in double. */
    public static double relL2(Tensor actual, Tensor expected) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        double diff = 0, ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            ref += e[i] * e[i];
        }
        return Math.sqrt(diff / ref);
    }

    /** Asserts relL2 ≤ tolerance and returns it (so tests can report the measured error). */
    public static double assertRelL2(Tensor actual, Tensor expected, double tolerance, String what) {
        double err = relL2(actual, expected);
        assertTrue(err <= tolerance, what + ": relative L2 " + err + " > " + tolerance);
        return err;
    }
}
