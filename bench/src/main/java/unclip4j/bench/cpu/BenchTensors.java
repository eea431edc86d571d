package unclip4j.bench.cpu;

import java.util.SplittableRandom;
import unclip4j.tensor.Tensor;

/** Deterministic random inputs for the op benchmarks. */
final class BenchTensors {
    private BenchTensors() {}

    static Tensor uniform(long seed, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(unclip4j.tensor.Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextDouble(-1, 1);
        return Tensor.of(v, shape);
    }
}
