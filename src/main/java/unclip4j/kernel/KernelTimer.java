package unclip4j.kernel;

import java.util.Arrays;
import java.util.function.IntConsumer;
import unclip4j.backend.cuda.CudaContext;
import unclip4j.backend.cuda.CudaEvents;
import unclip4j.backend.cuda.CudaStorage;

/**
 * Times one GPU operation the way kernel tuners do (llm.c's benchmark_kernel): warm-up calls, then
 * timed batches, each a run of calls enqueued back to back between two CUDA events, with the L2
 * cache flushed before it (a memset of an L2-sized buffer, outside the events); the caller rotates
 * inputs through several copies so consecutive calls do not find theirs in cache. A batch lasts about
 * a millisecond, so the launch latency of one call is hidden behind the work of the ones before it;
 * an op shorter than the host's cost of issuing it is measured at that cost, as the pipeline sees it.
 * Reports milliseconds per call: median and minimum over the batches.
 */
public final class KernelTimer {
    private static final double BATCH_MS = 1.0;
    private static final int MAX_CALLS_PER_BATCH = 200;

    /** Milliseconds per call (median and minimum over the batches), calls per batch. */
    public record Timing(double medianMs, double minMs, int callsPerBatch) {}

    private KernelTimer() {}

    /** Runs {@code op(i)}: warmup untimed calls, then runs timed batches; i counts all calls, so the op can rotate inputs. */
    public static Timing time(CudaContext ctx, int warmup, int runs, IntConsumer op) {
        long l2 = Math.max(ctx.device().l2Bytes(), 1 << 20);
        CudaStorage flush = ctx.allocate(l2);
        int call = 0;
        for (int i = 0; i < warmup; i++) op.accept(call++);
        double[] ms = new double[runs];
        int batch;
        try (CudaEvents ev = new CudaEvents(ctx)) {
            ev.start();
            op.accept(call++);
            double once = ev.stopMillis();
            batch = (int) Math.max(1, Math.min(MAX_CALLS_PER_BATCH, Math.ceil(BATCH_MS / Math.max(once, 1e-3))));
            for (int i = 0; i < runs; i++) {
                ctx.zero(flush.address(), l2);
                ev.start();
                for (int j = 0; j < batch; j++) op.accept(call++);
                ms[i] = ev.stopMillis() / batch;
            }
        }
        Arrays.sort(ms);
        return new Timing(ms[runs / 2], ms[0], batch);
    }
}
