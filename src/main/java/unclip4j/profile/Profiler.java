package unclip4j.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects op timings by (stage, module, op). The stage is whatever scope the pipeline opened with
 * {@link #stage(String)}; the module is the checkpoint prefix of the weight the op reads or, for
 * weightless ops (activations, attention, adds), the most recent module on the same thread. Host
 * time between two ops (and after the last one) is recorded as op {@value #OTHER} of the current
 * stage, so that the rows add up to the wall-clock time since the profiler was created.
 */
public final class Profiler {
    public static final String OTHER = "(other)";
    public static final String NO_STAGE = "(setup)";
    public static final String NO_MODULE = "(none)";

    private static final ThreadLocal<String> STAGE = ThreadLocal.withInitial(() -> NO_STAGE);

    /** One row of measurements. */
    public static final class Entry {
        public final String stage, module, op;
        long calls;
        double millis, flops, bytes;

        Entry(String stage, String module, String op) {
            this.stage = stage;
            this.module = module;
            this.op = op;
        }

        public long calls() { return calls; }
        public double millis() { return millis; }
        public double flops() { return flops; }
        public double bytes() { return bytes; }
    }

    private record Key(String stage, String module, String op) {}

    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private final ThreadLocal<String> lastModule = ThreadLocal.withInitial(() -> NO_MODULE);
    private long lastOpEndNanos = System.nanoTime();

    /** The stage the current thread's ops are attributed to until the scope closes (scopes nest). */
    public static Scope stage(String name) {
        String previous = STAGE.get();
        STAGE.set(name);
        return () -> STAGE.set(previous);
    }

    /** An open stage; closing restores the enclosing one. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Attributes module to the op about to run (or inherits the thread's last one when null) and returns it. */
    String module(String weightModule) {
        if (weightModule == null) return lastModule.get();
        lastModule.set(weightModule);
        return weightModule;
    }

    /** Records one op that ran from opStartNanos (host clock) for millis, and the host gap before it. */
    synchronized void record(String op, String module, long opStartNanos, double millis, OpCost cost) {
        String stage = STAGE.get();
        addGap(stage, opStartNanos);
        Entry e = entries.computeIfAbsent(new Key(stage, module, op), k -> new Entry(k.stage, k.module, k.op));
        e.calls++;
        e.millis += millis;
        e.flops += cost.flops();
        e.bytes += cost.bytes();
        lastOpEndNanos = Math.max(lastOpEndNanos, opStartNanos + (long) (millis * 1e6));
    }

    private void addGap(String stage, long untilNanos) {
        if (untilNanos <= lastOpEndNanos) return;
        Entry other = entries.computeIfAbsent(new Key(stage, NO_MODULE, OTHER), k -> new Entry(k.stage, k.module, k.op));
        other.millis += (untilNanos - lastOpEndNanos) / 1e6;
        lastOpEndNanos = untilNanos;
    }

    /** Every row so far, the time since the last op counted as {@value #OTHER} of the current stage. */
    public synchronized List<Entry> snapshot() {
        addGap(STAGE.get(), System.nanoTime());
        List<Entry> copy = new ArrayList<>();
        for (Entry e : entries.values()) {
            Entry c = new Entry(e.stage, e.module, e.op);
            c.calls = e.calls;
            c.millis = e.millis;
            c.flops = e.flops;
            c.bytes = e.bytes;
            copy.add(c);
        }
        return copy;
    }
}
