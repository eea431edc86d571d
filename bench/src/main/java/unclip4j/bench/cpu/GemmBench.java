package unclip4j.bench.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import unclip4j.backend.cpu.Sgemm;

/**
 * {@link Sgemm} (C = A·op(B), row-major, all cores) on square sizes and on the shapes the model runs,
 * m×n×k, with B stored k×n or, with {@code transB}, n×k as a linear layer's weight is (y = x·Wᵀ):
 * <ul>
 *   <li>162x6144x2048: prior MLP up-projection, 2·81 tokens (CFG batch) × 4·2048 → the widest linear;</li>
 *   <li>4096x320x2880, 1024x640x5760, 64x1280x11520: decoder 3×3 convs as GEMM (im2col) at the 64², 32²
 *       and 8² levels: pixels × C_out × C_in·9.</li>
 * </ul>
 * The {@code gflops} column ({@link Gflops}) is GFLOP/s: 2·m·n·k/1e9 per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_VECTOR, BenchJvm.NATIVE_ACCESS, BenchJvm.GC, BenchJvm.HEAP})
public class GemmBench {
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "162x6144x2048", "4096x320x2880", "1024x640x5760", "64x1280x11520"})
    public String shape;

    /** B stored n×k (a [out, in] weight) instead of k×n. */
    @Param({"false", "true"})
    public boolean transB;

    private int m, n, k;
    private Arena arena;
    private MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        arena = Arena.ofShared();
        a = random((long) m * k, 1);
        b = random((long) k * n, 2);
        c = arena.allocate((long) m * n * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void sgemm(Gflops flops) {
        Sgemm.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, transB ? k : n, 0f, c, 0, n);
        flops.gflops += 2e-9 * m * n * k;
    }

    private MemorySegment random(long floats, long seed) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < floats; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
        return s;
    }
}
