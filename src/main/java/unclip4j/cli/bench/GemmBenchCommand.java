package unclip4j.cli.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import unclip4j.backend.cpu.Sgemm;

/**
 * {@code unclip4j bench gemm}: times {@link Sgemm} on C = A·B (row-major, no transposes, alpha 1,
 * beta 0), the same call tools/openblas-sgemm-bench.c makes to cblas_sgemm, so the two compare
 * directly. Each timed sample repeats the call until it lasts ≥ 0.1 s; the last line is the best
 * sample, e.g. {@code gemm N=2048 201.3 GFLOP/s} (or {@code gemm shape=162x6144x2048 …}).
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Time single-precision GEMM (C = A·B, row-major) and print GFLOP/s.")
public final class GemmBenchCommand implements Callable<Integer> {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final double SAMPLE_SECONDS = 0.1;
    private static final double WARMUP_SECONDS = 2.0;

    @Spec
    CommandSpec spec;

    @Option(names = "--size", description = "Square problem: m = n = k = N (default: ${DEFAULT-VALUE}).", defaultValue = "2048")
    int size;

    @Option(names = "--shape", paramLabel = "MxNxK", description = "Non-square problem, e.g. 162x6144x2048 (overrides --size).")
    String shape;

    @Option(names = "--threads", description = "Threads (default: available processors, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    static final int MAX_ITERATIONS = 10_000;

    @Option(names = "--iterations", description = "Timed samples, at most " + MAX_ITERATIONS + " (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int iterations;

    @Override
    public Integer call() {
        int[] mnk = shape == null ? new int[] {size, size, size} : parseShape(shape);
        int m = mnk[0], n = mnk[1], k = mnk[2];
        if (iterations > MAX_ITERATIONS) {
            throw new ParameterException(spec.commandLine(), "--iterations is at most " + MAX_ITERATIONS + " (each sample lasts at least 0.1 s), got " + iterations);
        }
        if (m < 1 || n < 1 || k < 1 || threads < 1 || iterations < 1) {
            throw new ParameterException(spec.commandLine(), "sizes, --threads and --iterations must be ≥ 1");
        }
        // the matrices live outside the JVM's memory limits (Arena), so too large a problem is refused here rather than by the kernel's OOM killer
        double bytes = 4.0 * ((double) m * k + (double) k * n + (double) m * n);
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        if (bytes > physical / 2.0) {
            throw new ParameterException(spec.commandLine(), String.format("A, B and C need %.1f GB; at most half the machine's %.1f GB is used",
                    bytes / 1e9, physical / 1e9));
        }
        String label = shape == null ? "N=" + size : "shape=" + m + "x" + n + "x" + k;
        double flop = 2.0 * m * n * k;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = random(arena, (long) m * k, 1), b = random(arena, (long) k * n, 2);
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
            Runnable call = () -> Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, threads);
            // warm-up: until the micro-kernel is C2-compiled and the clock has settled
            long start = System.nanoTime();
            int calls = 0;
            do {
                call.run();
                calls++;
            } while (System.nanoTime() - start < WARMUP_SECONDS * 1e9);
            double secondsPerCall = (System.nanoTime() - start) * 1e-9 / calls;
            int repeats = (int) Math.max(1, Math.ceil(SAMPLE_SECONDS / secondsPerCall));
            double[] gflops = new double[iterations];
            for (int s = 0; s < iterations; s++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < repeats; r++) call.run();
                gflops[s] = flop * repeats / (System.nanoTime() - t0);
            }
            Arrays.sort(gflops);
            System.out.printf(Locale.ROOT, "gemm %s threads=%d samples=%d×%d calls: median %.1f, worst %.1f GFLOP/s%n",
                    label, threads, iterations, repeats, gflops[iterations / 2], gflops[0]);
            System.out.printf(Locale.ROOT, "gemm %s %.1f GFLOP/s%n", label, gflops[iterations - 1]);
        }
        return 0;
    }

    private int[] parseShape(String s) {
        String[] parts = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--shape wants MxNxK, e.g. 162x6144x2048, got '" + s + "'");
    }

    private static MemorySegment random(Arena arena, long floats, long seed) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < floats; i++) s.setAtIndex(F, i, (float) rnd.nextDouble(-1, 1));
        return s;
    }
}
