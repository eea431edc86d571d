package unclip4j.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final boolean terminal;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private ProgressBar bar;
    private long mark = System.nanoTime();

    Progress(PrintWriter out) {
        Console c = System.console();
        this.out = out;
        this.terminal = c != null && c.isTerminal();
    }

    /** Restarts the clock, so that work before this (model loading) is not charged to the next stage. */
    void mark() {
        mark = System.nanoTime();
    }

    @Override
    public void onStep(StepEvent e) {
        if (terminal && e.step() == 0) bar = new ProgressBarBuilder().setTaskName(e.stage()).setInitialMax(e.steps())
                // stdout: the launcher filters stderr line by line, which would hold back the bar's \r updates
                .setConsumer(new ConsoleProgressBarConsumer(System.out)).build();
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

    /** Seconds per stage, summed over repeated runs of a stage (frames). */
    Map<String, Double> seconds() {
        return seconds;
    }
}
