package unclip4j.backend.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The worker threads behind {@link Sgemm}: a fixed pool of {@code availableProcessors() - 1} daemon
 * threads created once, so a GEMM call never pays for thread creation; the calling thread always
 * runs part 0 itself.
 */
final class GemmThreads {
    /** Default number of parts a large GEMM is split into: one per core. */
    static final int DEFAULT = Runtime.getRuntime().availableProcessors();

    private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, DEFAULT - 1), daemonFactory());

    private GemmThreads() {}

    /**
     * Runs {@code part.accept(i)} for i in [0, parts) and returns when all have finished, also when
     * interrupted (the parts write into the caller's C, so none may outlive the call); the first
     * failure is rethrown.
     */
    static void run(int parts, IntConsumer part) {
        if (parts == 1) {
            part.accept(0);
            return;
        }
        Future<?>[] helpers = new Future<?>[parts - 1];
        for (int i = 1; i < parts; i++) {
            int p = i;
            helpers[i - 1] = POOL.submit(() -> part.accept(p));
        }
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException("GEMM worker failed", failure);
    }

    private static ThreadFactory daemonFactory() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "unclip4j-gemm-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
