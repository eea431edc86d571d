package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.stream.LongStream;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * A lazy {@link StateDict} of random F32 weights for a key → shape list (from {@link KarloKeys}), so
 * full-size networks can be built and timed without checkpoint files. Data is made only when a key
 * is read, so only the stage being built holds memory. Values keep activations finite through deep
 * stacks: norm gains 1, biases 0, every other tensor uniform with variance 1/fan_in (fan_in = all
 * dimensions but the first). Deterministic: element i of a key depends only on (seed, key, i), not
 * on threads or on the order keys are read.
 */
public final class RandomWeights {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Elements per parallel chunk: large enough to amortise a task, small enough to balance 2+ cores. */
    private static final long CHUNK = 1 << 20;

    private RandomWeights() {}

    public static StateDict of(String source, Map<String, long[]> shapes, long seed) {
        StateDict sd = new StateDict(source);
        shapes.forEach((name, shape) -> sd.put(new TensorInfo(name, DType.F32, shape), () -> tensor(name, shape, seed)));
        return sd;
    }

    static Tensor tensor(String name, long[] shape, long seed) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        boolean vector = shape.length == 1;
        if (vector && name.endsWith(".bias")) return t;
        MemorySegment s = t.segment();
        long n = t.numel();
        if (vector && name.endsWith(".weight")) {
            for (long i = 0; i < n; i++) s.setAtIndex(F, i, 1f);
            return t;
        }
        long fanIn = shape.length >= 2 ? n / shape[0] : Math.max(n, 1);
        float bound = (float) Math.sqrt(3.0 / fanIn); // U(−a, a) has variance a²/3
        long keySeed = mix(seed ^ name.hashCode());
        LongStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            for (long i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                // top 24 bits of a SplitMix64 hash → uniform in [−1, 1)
                float u = (mix(keySeed + i) >>> 40) * 0x1p-23f - 1f;
                s.setAtIndex(F, i, bound * u);
            }
        });
        return t;
    }

    /** SplitMix64's finaliser: a good 64-bit hash of a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
