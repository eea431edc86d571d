package unclip4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Parallel-for over a fixed pool of {@code availableProcessors()} daemon threads, shared by every
 * CPU kernel. A loop started from inside a pool task runs inline, so kernels may nest (e.g. a
 * parallel attention calling a GEMM that is itself parallel) without oversubscribing or deadlocking.
 */
public final class Parallel {
    /** Body of a parallel loop: handles indices {@code [lo, hi)}. */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(() -> {
            IN_POOL.set(true);
            r.run();
        }, "unclip4j-cpu");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {}

    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks of
     * at least {@code grain} indices each, and waits; the first exception or error a chunk throws is rethrown.
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(THREADS, (n + (long) Math.max(grain, 1) - 1) / Math.max(grain, 1));
        if (chunks <= 1 || IN_POOL.get()) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int lo = (int) ((long) n * c / chunks), hi = (int) ((long) n * (c + 1) / chunks);
            futures.add(POOL.submit(() -> body.run(lo, hi)));
        }
        Throwable failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a parallel loop", e);
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error error) throw error; // as thrown: an OutOfMemoryError gets the CLI's advice on the JVM's limits
        if (failure != null) throw new IllegalStateException(failure);
    }
}
