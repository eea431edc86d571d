package unclip4j.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.knowm.xchart.XYChart;
import unclip4j.backend.Backend;
import unclip4j.diffusion.AttentionEvent;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.GuidanceEvent;
import unclip4j.diffusion.StepEvent;
import unclip4j.diffusion.StepListener;
import unclip4j.io.AtomicFile;
import unclip4j.io.OutputFolder;
import unclip4j.tensor.Tensor;

/**
 * Records every reverse step of a run (first image of the batch, row 0) and writes, per stage
 * directory: x_t and x̂0 of every step as PNG, a grid (rows x_t / x̂0, one column per step), an
 * animated GIF of the trajectory, the guidance delta (cond − uncond) of every step, for the prior
 * the cosine of its x̂0 to the text embedding per step; and {@code trace.json} with every step's
 * numbers. Image stages are pictures mapped from [-1, 1]; the prior's vectors are drawn as
 * blue/red tiles scaled by their largest magnitude. A stage that runs again (reranked prior
 * samples, interpolation frames) gets one directory per run: {@code decoder}, {@code decoder-1}, ...
 * The prior's and the decoder's directories also get their attention ({@link AttentionMaps}):
 * {@code attention.png} and {@code attention.json}. {@code index.html} shows it all in a browser ({@link TraceIndex}).
 */
public final class TraceRecorder implements StepListener {
    /** One step in {@code trace.json}; norms are L2 over row 0. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String stage, int run, int step, int steps, int index, long t, Double sigma, @JsonProperty("x_t_norm") double xTNorm, double x0Norm,
                       double epsNorm, Double guidanceDeltaNorm, Double cosineToText) {
        Step withCosine(double c) {
            return new Step(stage, run, step, steps, index, t, sigma, xTNorm, x0Norm, epsNorm, guidanceDeltaNorm, c);
        }
    }

    private static final class StageTrace {
        final String stage, name;
        final int run;
        final List<Step> steps = new ArrayList<>();
        final List<BufferedImage> xT = new ArrayList<>(), x0 = new ArrayList<>(), delta = new ArrayList<>();
        final List<float[]> x0Rows = new ArrayList<>();
        float[] pendingDelta;
        long[] deltaShape;
        final AttentionMaps attention = new AttentionMaps();

        StageTrace(String stage, int run) {
            this.stage = stage;
            this.name = run == 0 ? stage : stage + "-" + run;
            this.run = run;
        }

        boolean complete() {
            return !steps.isEmpty() && steps.getLast().step() == steps.getLast().steps() - 1;
        }
    }

    private final Path dir;
    private final Backend backend;
    private final double[] alphaBar;
    private final List<StageTrace> traces = new ArrayList<>();
    private final Map<String, StageTrace> current = new LinkedHashMap<>();
    private Tensor textEmbedding;
    private UnaryOperator<Tensor> priorToClip;
    private final Map<String, String> captions = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * @param base the unrespaced schedule of the stages (Karlo: cosine, T = 1000): ᾱ at the original
     *             timestep gives the ε that x_t and x̂0 imply, whatever the respacing
     */
    public TraceRecorder(Path dir, Backend backend, DiffusionSchedule base) {
        this.dir = dir;
        this.backend = backend;
        this.alphaBar = base.alphasCumprod();
    }

    /**
     * Enables the prior's cosine plot: the text embeddings {@code [≥1, D]} (row 0 is compared) and
     * the map from the prior's normalised space to CLIP's ({@code PriorDiffusionModel::denormalize}).
     */
    public void priorReference(Tensor textEmbedding, UnaryOperator<Tensor> priorToClip) {
        this.textEmbedding = textEmbedding;
        this.priorToClip = priorToClip;
    }

    /** The caption a stage's sample 0 sees ("" unless set: variations, interpolations), to label its attention maps. */
    public void caption(String stage, String caption) {
        captions.put(stage, caption);
    }

    @Override
    public boolean wantsAttention() {
        return true;
    }

    @Override
    public void onAttention(AttentionEvent e) {
        current(e.stage()).attention.add(e);
    }

    @Override
    public void onGuidance(GuidanceEvent e) {
        StageTrace s = current(e.stage());
        s.pendingDelta = row0(backend.sub(e.cond(), e.uncond()));
        s.deltaShape = e.cond().shape();
    }

    @Override
    public void onStep(StepEvent e) {
        StageTrace s = current(e.stage());
        long[] shape = e.xT().shape();
        float[] xT = row0(e.xT()), x0 = row0(e.predXstart());
        Double sigma = e.logVariance() == null ? null : mean(row0(backend.exp(backend.affine(e.logVariance(), 0.5f, 0f))));
        double ab = alphaBar[(int) e.t()];
        // ε implied by the step: x_t = √ᾱ·x̂0 + √(1−ᾱ)·ε
        double epsSq = 0;
        for (int i = 0; i < xT.length; i++) {
            double eps = (xT[i] - Math.sqrt(ab) * x0[i]) / Math.sqrt(1 - ab);
            epsSq += eps * eps;
        }
        Double deltaNorm = s.pendingDelta == null ? null : norm(s.pendingDelta);
        s.steps.add(new Step(e.stage(), s.run, e.step(), e.steps(), e.index(), e.t(), sigma, norm(xT), norm(x0), Math.sqrt(epsSq), deltaNorm, null));
        s.xT.add(picture(xT, shape, false));
        s.x0.add(picture(x0, shape, false));
        if (s.pendingDelta != null) s.delta.add(picture(s.pendingDelta, s.deltaShape, true));
        if (shape.length == 2) s.x0Rows.add(x0);
        s.pendingDelta = null;
    }

    /** The stage's trace in progress, or a new run's once the last one reached its final step. */
    private StageTrace current(String stage) {
        StageTrace s = current.get(stage);
        if (s == null || s.complete()) {
            s = new StageTrace(stage, s == null ? 0 : s.run + 1);
            current.put(stage, s);
            traces.add(s);
        }
        return s;
    }

    /**
     * Writes every file; returns them in the order written. All or nothing: where one cannot be written
     * (a full disk), those written already go again (see {@link OutputFolder}).
     */
    public List<Path> finish() {
        try (OutputFolder folder = new OutputFolder(dir)) {
            List<Path> written = finish(folder);
            folder.keep();
            return written;
        }
    }

    /**
     * Writes every file into folder, an {@link OutputFolder} of this trace's folder made before, whose
     * owner keeps the files or not (with the other outputs of a run); returns them in the order written.
     */
    public List<Path> finish(OutputFolder folder) {
        write(folder);
        return folder.files();
    }

    private void write(OutputFolder folder) {
        List<Step> all = new ArrayList<>();
        List<TraceIndex.Section> sections = new ArrayList<>();
        for (StageTrace s : traces) {
            String stage = s.name;
            Path sd = folder.subfolder(stage);
            int firstFile = folder.files().size();
            List<String> columns = s.steps.stream().map(st -> "t=" + st.t()).toList();
            List<BufferedImage> frames = new ArrayList<>();
            for (int k = 0; k < s.xT.size(); k++) {
                folder.add(ImageWriters.writePng(s.xT.get(k), sd.resolve(String.format(Locale.ROOT, "x_t_%03d.png", k))));
                folder.add(ImageWriters.writePng(s.x0.get(k), sd.resolve(String.format(Locale.ROOT, "x0_%03d.png", k))));
                frames.add(ImageWriters.sideBySide(s.xT.get(k), s.x0.get(k)));
            }
            if (s.xT.isEmpty()) continue;
            folder.add(ImageWriters.writePng(LabelledGrid.render(stage, List.of("x_t", "x̂0"), columns,
                    new BufferedImage[][] {s.xT.toArray(BufferedImage[]::new), s.x0.toArray(BufferedImage[]::new)}), sd.resolve("grid.png")));
            folder.add(ImageWriters.writeGif(frames, 400, sd.resolve("trajectory.gif")));
            if (s.delta.size() == s.xT.size()) {
                folder.add(ImageWriters.writePng(LabelledGrid.render(stage, List.of("cond − uncond"), columns,
                        new BufferedImage[][] {s.delta.toArray(BufferedImage[]::new)}), sd.resolve("guidance.png")));
            }
            if (!s.attention.isEmpty()) {
                String caption = captions.getOrDefault(s.stage, "");
                folder.add(ImageWriters.writePng(s.attention.render(stage, caption, s.x0.getLast()), sd.resolve("attention.png")));
                folder.add(writeJson(s.attention.summary(caption), sd.resolve("attention.json")));
            }
            if (!s.x0Rows.isEmpty() && textEmbedding != null) {
                double[] cos = cosines(s.x0Rows);
                List<Step> steps = new ArrayList<>();
                for (int k = 0; k < cos.length; k++) steps.add(s.steps.get(k).withCosine(cos[k]));
                Path plot = sd.resolve("cosine.png");
                Optional<String> noCharts = Charts.unavailable();
                if (noCharts.isPresent()) notes.add(plot + " not drawn: " + noCharts.get() + "; the cosines are in trace.json");
                else folder.add(cosinePlot(stage, steps, plot));
                all.addAll(steps);
                sections.add(section(s, folder, firstFile, steps));
            } else {
                all.addAll(s.steps);
                sections.add(section(s, folder, firstFile, s.steps));
            }
        }
        folder.add(writeJson(stepsDocument(all), dir.resolve("trace.json")));
        folder.add(TraceIndex.write(dir, sections));
    }

    /** The index page's part for a stage: the names of the files written for it since firstFile. */
    private TraceIndex.Section section(StageTrace s, OutputFolder folder, int firstFile, List<Step> steps) {
        List<Path> files = folder.files();
        List<String> names = files.subList(firstFile, files.size()).stream().map(p -> p.getFileName().toString()).toList();
        return new TraceIndex.Section(s.name, s.stage, captions.getOrDefault(s.stage, ""), names, steps);
    }

    /** What {@link #finish()} could not write, and why: one line each. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Cosine of each step's x̂0 (in CLIP space) to the text embedding, row 0. */
    private double[] cosines(List<float[]> x0Rows) {
        float[] text = row0(textEmbedding);
        double[] out = new double[x0Rows.size()];
        for (int k = 0; k < out.length; k++) {
            float[] v = x0Rows.get(k);
            float[] clip = row0(priorToClip.apply(backend.upload(Tensor.of(v, 1, v.length))));
            double dot = 0;
            for (int i = 0; i < clip.length; i++) dot += (double) clip[i] * text[i];
            out[k] = dot / (norm(clip) * norm(text));
        }
        return out;
    }

    private static Path cosinePlot(String stage, List<Step> steps, Path file) {
        XYChart chart = Charts.lines(stage + ": cosine(x̂0, text embedding) per step", "step k (0 = noisiest)", "cosine");
        double[] k = steps.stream().mapToDouble(Step::step).toArray();
        double[] c = steps.stream().mapToDouble(Step::cosineToText).toArray();
        chart.addSeries("cos(x̂0 in CLIP space, CLIP text embedding)", k, c);
        return Charts.savePng(chart, file);
    }

    private static Map<String, Object> stepsDocument(List<Step> steps) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("traced_row", 0);
        doc.put("eps", "implied by x_t and x0: (x_t - sqrt(alpha_bar_t) * x0) / sqrt(1 - alpha_bar_t)");
        doc.put("sigma", "mean of exp(0.5 * log variance); absent for DDIM steps that add no noise (eta 0, and the last step)");
        doc.put("steps", steps);
        return doc;
    }

    private static Path writeJson(Map<String, Object> doc, Path file) {
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFile.write(file, json.writeValueAsBytes(doc)); // whole or not at all, as every picture
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Image state {@code [N, C≥3, H, W]}: the first three channels as a picture; a vector state {@code [N, D]}: a tile. */
    private static BufferedImage picture(float[] row, long[] shape, boolean normalize) {
        if (shape.length == 2) return ImageWriters.visible(ImageWriters.vector(row));
        int h = (int) shape[2], w = (int) shape[3];
        BufferedImage img = normalize ? ImageWriters.rgbNormalized(row, h, w) : ImageWriters.rgb(row, h, w);
        return ImageWriters.visible(img);
    }

    /** Row 0 of a tensor as a host array. */
    private float[] row0(Tensor t) {
        return backend.download(backend.contiguous(t.slice(0, 0, 1))).toFloatArray();
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }
}
