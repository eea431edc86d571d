package unclip4j.testing;

import java.util.Random;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/** Random inputs for tests, from java.util.Random so that they are independent of the code under test. */
public final class TestTensors {
    private TestTensors() {}

    /** Standard normal F32 values. */
    public static Tensor randn(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** Uniform F32 values in [lo, hi). */
    public static Tensor uniform(long seed, float lo, float hi, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * r.nextFloat();
        return Tensor.of(v, shape);
    }
}
