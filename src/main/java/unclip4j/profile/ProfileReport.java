package unclip4j.profile;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import unclip4j.config.JvmSettings;

/**
 * The profiler's tables: by op, by stage and by checkpoint module, each with calls, total and mean
 * time, GFLOP, GB, the achieved rate (GFLOP/s for compute-bound ops, GB/s for the others) and, when
 * a peak is known, the share of it. Every table ends with a total equal to the wall-clock time the
 * profiler covered, host time between ops being the {@value Profiler#OTHER} row.
 */
public final class ProfileReport {
    /** System property holding the measured SGEMM peak (GFLOP/s) of this machine, e.g. from {@code bench gemm}. */
    public static final String PEAK_PROPERTY = "unclip4j.peak.gflops";
    static final int MODULE_ROWS = 25;

    /** One aggregated row. */
    public record Row(String name, long calls, double millis, double flops, double bytes) {
        Row plus(Profiler.Entry e) {
            return new Row(name, calls + e.calls(), millis + e.millis(), flops + e.flops(), bytes + e.bytes());
        }
    }

    private final List<Profiler.Entry> entries;
    private final double peakGflops;

    /** @param peakGflops the compute peak the % column refers to; NaN to leave the column out */
    public ProfileReport(List<Profiler.Entry> entries, double peakGflops) {
        this.entries = entries;
        this.peakGflops = peakGflops;
    }

    /** The peak from {@value #PEAK_PROPERTY}, NaN when unset. */
    public static double configuredPeak() {
        return JvmSettings.positive(PEAK_PROPERTY);
    }

    public double totalMillis() {
        return entries.stream().mapToDouble(Profiler.Entry::millis).sum();
    }

    public List<Row> byOp() {
        return group(e -> e.op);
    }

    public List<Row> byStage() {
        return group(e -> e.stage);
    }

    /** Modules with the stage they ran in: the prior and the decoder both name their keys {@code model.*}. */
    public List<Row> byModule() {
        return group(e -> e.stage + " " + e.module);
    }

    private List<Row> group(Function<Profiler.Entry, String> key) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Profiler.Entry e : entries) {
            String k = key.apply(e);
            rows.put(k, rows.getOrDefault(k, new Row(k, 0, 0, 0, 0)).plus(e));
        }
        return rows.values().stream().sorted(Comparator.comparingDouble(Row::millis).reversed()).toList();
    }

    public void print(PrintWriter out) {
        out.println("profile: " + ms(totalMillis()) + " ms in total, " + ms(otherMillis()) + " ms of it host time between ops ("
                + Profiler.OTHER + ")");
        table(out, "op", byOp(), Integer.MAX_VALUE);
        table(out, "stage", byStage(), Integer.MAX_VALUE);
        table(out, "stage module", byModule(), MODULE_ROWS);
        if (Double.isNaN(peakGflops)) {
            out.println("(% of peak left out: pass -D" + PEAK_PROPERTY + "=<GFLOP/s> with this machine's measured SGEMM peak, e.g. from 'bench gemm')");
        }
        out.flush();
    }

    private double otherMillis() {
        return entries.stream().filter(e -> e.op.equals(Profiler.OTHER)).mapToDouble(Profiler.Entry::millis).sum();
    }

    private void table(PrintWriter out, String title, List<Row> rows, int limit) {
        int width = Math.max(title.length(), rows.stream().limit(limit).mapToInt(r -> r.name().length()).max().orElse(0));
        String header = String.format(Locale.ROOT, "%-" + width + "s %8s %11s %9s %9s %8s %15s", title, "calls", "total ms", "mean ms", "GFLOP", "GB", "achieved");
        out.println();
        out.println(Double.isNaN(peakGflops) ? header : header + String.format(Locale.ROOT, " %7s", "% peak"));
        Row total = new Row("total", 0, 0, 0, 0);
        int shown = 0;
        for (Row r : rows) {
            total = new Row("total", total.calls() + r.calls(), total.millis() + r.millis(), total.flops() + r.flops(), total.bytes() + r.bytes());
            if (shown++ < limit) out.println(line(r, width));
        }
        if (rows.size() > limit) out.println(String.format(Locale.ROOT, "%-" + width + "s", "(" + (rows.size() - limit) + " more)"));
        out.println(line(total, width));
    }

    private String line(Row r, int width) {
        double seconds = r.millis() / 1e3;
        String achieved = r.calls() == 0 || seconds == 0 ? "" : r.flops() > 0
                ? String.format(Locale.ROOT, "%.2f GFLOP/s", r.flops() / 1e9 / seconds)
                : String.format(Locale.ROOT, "%.2f GB/s", r.bytes() / 1e9 / seconds);
        String s = String.format(Locale.ROOT, "%-" + width + "s %8d %11.2f %9s %9.3f %8.3f %15s", r.name(), r.calls(), r.millis(),
                r.calls() == 0 ? "" : String.format(Locale.ROOT, "%.3f", r.millis() / r.calls()), r.flops() / 1e9, r.bytes() / 1e9, achieved);
        if (!Double.isNaN(peakGflops) && r.flops() > 0 && seconds > 0) {
            s += String.format(Locale.ROOT, " %6.1f%%", 100 * r.flops() / 1e9 / seconds / peakGflops);
        }
        return s;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
