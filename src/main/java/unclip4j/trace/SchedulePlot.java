package unclip4j.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.Respacing;
import unclip4j.io.AtomicFile;
import unclip4j.io.OutputFolder;

/**
 * β_t, ᾱ_t and log-SNR_t = log(ᾱ_t / (1 − ᾱ_t)) of the cosine and linear schedules over the T
 * original timesteps, with the timesteps a respacing keeps marked: three PNG charts and
 * {@code schedule.csv} (one row per original t), plus {@code respaced.csv} with the β'_k a sampler
 * on the respaced process actually uses.
 */
public final class SchedulePlot {
    private static final List<BetaSchedule> SCHEDULES = List.of(BetaSchedule.SQUAREDCOS_CAP_V2, BetaSchedule.LINEAR);

    private SchedulePlot() {}

    /** log(ᾱ / (1 − ᾱ)). */
    public static double logSnr(double alphaBar) {
        return Math.log(alphaBar / (1 - alphaBar));
    }

    public static List<Path> write(Path dir, int steps, String respacing) {
        int[] kept = Respacing.spaceTimesteps(steps, respacing);
        List<DiffusionSchedule> full = SCHEDULES.stream().map(s -> DiffusionSchedule.create(s, steps, "")).toList();
        try (OutputFolder folder = new OutputFolder(dir)) { // all or nothing: a full disk leaves no charts
            folder.add(chart(dir.resolve("betas.png"), "β_t", full, kept, DiffusionSchedule::betas, true));
            folder.add(chart(dir.resolve("alpha_bar.png"), "ᾱ_t", full, kept, DiffusionSchedule::alphasCumprod, false));
            folder.add(chart(dir.resolve("log_snr.png"), "log-SNR_t = log(ᾱ_t / (1 − ᾱ_t))", full, kept,
                    s -> Arrays.stream(s.alphasCumprod()).map(SchedulePlot::logSnr).toArray(), false));
            folder.add(scheduleCsv(dir.resolve("schedule.csv"), full, kept));
            folder.add(respacedCsv(dir.resolve("respaced.csv"), steps, respacing));
            folder.keep();
            return folder.files();
        }
    }

    private static Path chart(Path file, String quantity, List<DiffusionSchedule> full, int[] kept,
                              Function<DiffusionSchedule, double[]> values, boolean logY) {
        XYChart chart = Charts.lines(quantity + ", kept timesteps marked (" + kept.length + ")", "original timestep t", quantity);
        chart.getStyler().setYAxisLogarithmic(logY);
        double[] t = new double[full.get(0).numTimesteps()];
        Arrays.setAll(t, i -> i);
        double[] keptT = Arrays.stream(kept).asDoubleStream().toArray();
        for (int s = 0; s < SCHEDULES.size(); s++) {
            double[] v = values.apply(full.get(s));
            String name = SCHEDULES.get(s).configName();
            chart.addSeries(name, t, v).setMarker(SeriesMarkers.NONE);
            XYSeries marks = chart.addSeries(name + " kept", keptT, Arrays.stream(kept).mapToDouble(i -> v[i]).toArray());
            marks.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return Charts.savePng(chart, file);
    }

    private static Path scheduleCsv(Path file, List<DiffusionSchedule> full, int[] kept) {
        StringBuilder sb = new StringBuilder("t");
        for (BetaSchedule s : SCHEDULES) sb.append(String.format(",%1$s_beta,%1$s_alpha_bar,%1$s_log_snr", s.configName()));
        sb.append(",kept\n");
        List<double[]> betas = full.stream().map(DiffusionSchedule::betas).toList();
        List<double[]> alphaBars = full.stream().map(DiffusionSchedule::alphasCumprod).toList();
        for (int t = 0; t < betas.get(0).length; t++) {
            sb.append(t);
            for (int s = 0; s < SCHEDULES.size(); s++) {
                double ab = alphaBars.get(s)[t];
                sb.append(',').append(num(betas.get(s)[t])).append(',').append(num(ab)).append(',').append(num(logSnr(ab)));
            }
            sb.append(',').append(Arrays.binarySearch(kept, t) >= 0 ? 1 : 0).append('\n');
        }
        return writeText(file, sb.toString());
    }

    private static Path respacedCsv(Path file, int steps, String respacing) {
        List<DiffusionSchedule> spaced = SCHEDULES.stream().map(s -> DiffusionSchedule.create(s, steps, respacing)).toList();
        StringBuilder sb = new StringBuilder("k,t");
        for (BetaSchedule s : SCHEDULES) sb.append(String.format(",%1$s_beta,%1$s_alpha_bar", s.configName()));
        sb.append('\n');
        long[] map = spaced.get(0).timestepMap();
        for (int k = 0; k < map.length; k++) {
            sb.append(k).append(',').append(map[k]);
            for (DiffusionSchedule d : spaced) sb.append(',').append(num(d.betas()[k])).append(',').append(num(d.alphasCumprod()[k]));
            sb.append('\n');
        }
        return writeText(file, sb.toString());
    }

    /** Shortest text that reads back as the same double. */
    private static String num(double v) {
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    private static Path writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
