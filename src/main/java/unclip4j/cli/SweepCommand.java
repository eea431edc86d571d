package unclip4j.cli;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.diffusion.RecordingNoise;
import unclip4j.image.OutputImages;
import unclip4j.diffusion.StepListener;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextToImage;
import unclip4j.tensor.Tensor;
import unclip4j.trace.ImageWriters;
import unclip4j.trace.LabelledGrid;

/**
 * {@code unclip4j sweep}: one image per (prior guidance, decoder guidance) pair, all from the same
 * noise (the first cell's draws are recorded and replayed for the others), in a labelled grid:
 * rows = prior guidance, columns = decoder guidance. Like the picture commands it writes a manifest
 * beside the grid, so {@code redo} can draw it again.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Generate a grid of guidance scales (rows: prior, columns: decoder) from the same noise, "
                + "with a manifest beside it (grid.png -> grid.json).")
public final class SweepCommand implements Callable<Integer>, RecordedCommand {
    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = "--prior-guidance", split = ",", paramLabel = "S", defaultValue = "1,4,8",
            description = "Prior guidance scales, one row each. Default: ${DEFAULT-VALUE}.")
    List<Float> priorGuidance;

    @Option(names = "--decoder-guidance", split = ",", paramLabel = "S", defaultValue = "1,4,8,16",
            description = "Decoder guidance scales, one column each. Default: ${DEFAULT-VALUE}.")
    List<Float> decoderGuidance;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The grid (PNG); its manifest goes beside it.")
    Path out;

    @Option(names = "--force", description = "Overwrite --out, its manifest and --save-noise if they exist.")
    boolean force;

    @Mixin
    StepOptions steps;

    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions device;

    @Mixin
    WeightPrecisionOption dtype;

    @Mixin
    NoiseOptions noise;

    @Mixin
    ProfileOptions profile;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunArguments arguments = RunArguments.of(spec);
        checkOptions();
        SamplingSettings[][] settings = settings();
        checkOutputs();
        PrintWriter pw = spec.commandLine().getOut();
        ModelDirectory dir = model.openOrEmbedded(pw);
        Map<String, Object> modelFiles = RunManifest.modelEntry(dir, model.usesEmbedded(), parts());
        Backend backend = profile.wrap(device.open());
        StageLoader loader = new StageLoader(dir, backend, dtype.storage());
        PromptEncoder prompts = new PromptEncoder(backend, loader.clipText(), dir.clip().config().contextLength());
        TextToImage t2i = new TextToImage(backend, prompts, loader.prior(), loader.decoder(), loader.superRes());
        RecordingNoise recorded = new RecordingNoise(noise.open(backend, 1), backend);
        Path manifest = OutputOptions.manifestBeside(out);
        OutputFiles files = new OutputFiles(force);
        files.retireManifest(manifest);
        BufferedImage[][] cells = new BufferedImage[settings.length][settings[0].length];
        long start = System.nanoTime();
        for (int r = 0; r < cells.length; r++) {
            for (int c = 0; c < cells[r].length; c++) {
                boolean first = r == 0 && c == 0;
                TextToImage.Result result = t2i.run(List.of(prompt), settings[r][c], first ? recorded : recorded.replay(), StepListener.NONE);
                cells[r][c] = ImageWriters.visible(picture(result.image256Raw()));
                pw.printf("prior %s, decoder %s: done%n", label(priorGuidance.get(r)), label(decoderGuidance.get(c)));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        BufferedImage grid = LabelledGrid.render("prior ↓ decoder →", priorGuidance.stream().map(SweepCommand::label).toList(),
                decoderGuidance.stream().map(SweepCommand::label).toList(), cells);

        // all or nothing, the manifest last (as a picture run's)
        try (PendingOutputs written = new PendingOutputs()) {
            files.write(out, OutputImages.png(grid));
            written.add(List.of(out));
            noise.saveIfRequested();
            if (noise.saveNoisePath() != null) written.add(List.of(noise.saveNoisePath()));
            RunManifest m = new RunManifest(spec.name()).arguments(arguments);
            m.put("prompt", prompt);
            m.put("grid", RunManifest.map("rows", "prior guidance", "columns", "decoder guidance", "cell_px", cells[0][0].getWidth()));
            m.put("noise", noise.manifest(1));
            SamplingSettings s = settings[0][0];
            m.put("steps", RunManifest.map("prior", s.priorRespacing(), "decoder", s.decoderRespacing(), "sr", s.srRespacing()));
            if (s.takesDdimSteps(true)) m.put("ddim_eta", s.ddimEta());
            m.put("guidance", RunManifest.map("prior", priorGuidance, "decoder", decoderGuidance));
            m.put("model", modelFiles);
            m.computedOn(backend, device, dtype);
            m.put("seconds", RunManifest.map("total", seconds));
            m.outputs(written.files());
            files.write(manifest, m.toJson());
            written.commit();
        }
        pw.printf("wrote %s (%d×%d cells of %d px, %s)%n", out, cells.length, cells[0].length, cells[0][0].getWidth(), noise.describe());
        if (noise.saveNoisePath() != null) pw.println("wrote " + noise.saveNoisePath());
        pw.println("wrote " + manifest);
        profile.report(pw);
        return 0;
    }

    /** Every cell's settings, so that a bad scale anywhere in the lists is refused before the first cell is drawn. */
    private SamplingSettings[][] settings() {
        if (priorGuidance.isEmpty() || decoderGuidance.isEmpty()) {
            throw new IllegalArgumentException("--prior-guidance and --decoder-guidance need at least one scale each");
        }
        if ((long) priorGuidance.size() * decoderGuidance.size() > OutputOptions.MAX_GRID_PICTURES) {
            throw new IllegalArgumentException(priorGuidance.size() + " × " + decoderGuidance.size() + " cells make too large a grid (at most "
                    + OutputOptions.MAX_GRID_PICTURES + ")");
        }
        SamplingSettings[][] cells = new SamplingSettings[priorGuidance.size()][decoderGuidance.size()];
        for (int r = 0; r < cells.length; r++) {
            for (int c = 0; c < cells[r].length; c++) cells[r][c] = steps.settings(priorGuidance.get(r), decoderGuidance.get(c), true);
        }
        return cells;
    }

    private void checkOutputs() {
        if (!out.getFileName().toString().toLowerCase().endsWith(".png")) throw new IllegalArgumentException("--out " + out + ": must name a .png file");
        OutputFiles files = new OutputFiles(force);
        files.check(out, "--out");
        files.check(OutputOptions.manifestBeside(out));
        Path saveNoise = noise.saveNoisePath();
        if (saveNoise == null) return;
        Path target = saveNoise.toAbsolutePath().normalize();
        if (target.equals(out.toAbsolutePath().normalize()) || target.equals(OutputOptions.manifestBeside(out).toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--save-noise " + saveNoise + " would be written twice: the grid, its manifest and the noise need names of their own");
        }
        files.check(saveNoise, "--save-noise");
    }

    @Override
    public void checkOptions() {
        settings();
        device.check();
    }

    @Override
    public ModelOptions modelOptions() {
        return model;
    }

    @Override
    public List<Part> parts() {
        return List.of(Part.CLIP, Part.CLIP_STATS, Part.PRIOR, Part.DECODER, Part.SR);
    }

    @Override
    public List<Path> existingOutputs() {
        List<Path> files = new ArrayList<>(List.of(out, OutputOptions.manifestBeside(out)));
        if (noise.saveNoisePath() != null) files.add(noise.saveNoisePath());
        return files.stream().filter(Files::exists).toList();
    }

    private static BufferedImage picture(Tensor image) {
        float[] row = image.slice(0, 0, 1).toFloatArray();
        return ImageWriters.rgb(row, image.dim(2), image.dim(3));
    }

    private static String label(float s) {
        return s == Math.rint(s) ? Integer.toString((int) s) : Float.toString(s);
    }
}
