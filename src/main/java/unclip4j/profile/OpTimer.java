package unclip4j.profile;

/**
 * How long one op took. {@link #HOST} reads the host clock, which is exact for backends whose ops
 * return when their work is done (CPU, reference). An asynchronous device backend supplies its own
 * timer, e.g. CUDA events recorded around the op on the backend's stream, with {@code stop}
 * synchronising on the end event; {@link ProfilingBackend} calls nothing else.
 */
public interface OpTimer {
    /** Called just before the op; returns whatever {@link #stop} needs (a start time, an event pair). */
    Object start();

    /** Milliseconds the op took, called just after it returned. */
    double stop(Object started);

    /** Implemented by a backend whose ops run asynchronously (CUDA), so that profiling times the device work. */
    interface Source {
        OpTimer opTimer();
    }

    OpTimer HOST = new OpTimer() {
        @Override
        public Object start() {
            return System.nanoTime();
        }

        @Override
        public double stop(Object started) {
            return (System.nanoTime() - (Long) started) / 1e6;
        }
    };
}
