package unclip4j.kernel;

import java.util.Arrays;
import unclip4j.backend.cuda.CudaContext;
import unclip4j.backend.cuda.CudaEvents;
import unclip4j.backend.cuda.CudaStorage;

/**
 * Times one GPU operation the way kernel tuners do: warm-up runs, then each timed run between two
 * CUDA events with the L2 cache flushed before it (a memset of an L2-sized buffer, outside the
 * events), inputs rotated through several copies by the caller; reports median and minimum.
 */
public final class KernelTimer {
    /** Milliseconds per run. */
    public record Timing(double medianMs, double minMs, int runs) {}

    private KernelTimer() {}

    /** Runs {@code op(i)} warmup + runs times; i counts all calls, so the op can rotate inputs. */
    public static Timing time(CudaContext ctx, int warmup, int runs, java.util.function.IntConsumer op) {
        long l2 = Math.max(ctx.device().l2Bytes(), 1 << 20);
        CudaStorage flush = ctx.allocate(l2);
        int call = 0;
        for (int i = 0; i < warmup; i++) op.accept(call++);
        double[] ms = new double[runs];
        try (CudaEvents ev = new CudaEvents(ctx)) {
            for (int i = 0; i < runs; i++) {
                ctx.zero(flush.address(), l2);
                ev.start();
                op.accept(call++);
                ms[i] = ev.stopMillis();
            }
        }
        Arrays.sort(ms);
        return new Timing(ms[runs / 2], ms[0], runs);
    }
}
