package unclip4j.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import unclip4j.diffusion.StepEvent;
import unclip4j.diffusion.StepListener;

/**
 * Shows sampling progress, one stage at a time: a progress bar per stage on a terminal, one plain
 * line per finished stage otherwise (logs, pipes, tests). Also adds up the time of each stage
 * (from the end of the previous stage, so text encoding counts towards the prior).
 */
final class Progress implements StepListener {
    private final PrintWriter out;
    /** Where bars go (a terminal), or null: plain lines to out. */
    private final PrintStream terminal;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private ProgressBar bar;
    private long mark = System.nanoTime();

    Progress(PrintWriter out) {
        // stdout: the launcher filters stderr line by line, which would hold back the bar's \r updates
        this(out, System.console() instanceof Console c && c.isTerminal() ? System.out : null);
    }

    Progress(PrintWriter out, PrintStream terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Restarts the clock, so that work before this (model loading) is not charged to the next stage. */
    void mark() {
        mark = System.nanoTime();
    }

    @Override
    public void onStep(StepEvent e) {
        if (terminal != null && e.step() == 0) bar = new ProgressBarBuilder().setTaskName(e.stage()).setInitialMax(e.steps())
                .setConsumer(new ConsoleProgressBarConsumer(terminal, columns(System.getenv("COLUMNS")) - 1)).build();
        if (bar != null) bar.step();
        if (e.step() < e.steps() - 1) return;
        long now = System.nanoTime();
        double s = (now - mark) / 1e9;
        mark = now;
        seconds.merge(e.stage(), s, Double::sum);
        if (bar != null) {
            bar.close();
            bar = null;
        } else {
            out.printf("%-8s %d steps, %.2f s%n", e.stage(), e.steps(), s);
        }
    }

    /**
     * The terminal's width: env ($COLUMNS) where the shell exports it, else what {@code stty} says of the
     * terminal, else 80. Not the progress bar's own query: that builds a JLine terminal, which
     * unpacks a native library into java.io.tmpdir on every run and prints stack traces where that
     * folder is mounted noexec or read-only (hardened machines).
     */
    static int columns(String env) {
        if (env != null && env.strip().matches("[1-9][0-9]{1,3}")) return Integer.parseInt(env.strip());
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!stty.waitFor(2, TimeUnit.SECONDS)) {
                stty.destroyForcibly(); // a stuck stty does not hold up the run (its few bytes of output fit the pipe)
                return 80;
            }
            String[] rowsCols = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split(" ");
            if (stty.exitValue() == 0 && rowsCols.length == 2 && rowsCols[1].matches("[1-9][0-9]{1,3}")) return Integer.parseInt(rowsCols[1]);
        } catch (IOException e) {
            // no stty or no terminal: the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    /** Seconds per stage, summed over repeated runs of a stage (frames). */
    Map<String, Double> seconds() {
        return seconds;
    }
}
