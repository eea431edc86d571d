package unclip4j.cli;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.diffusion.RecordingNoise;
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
 * rows = prior guidance, columns = decoder guidance.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Generate a grid of guidance scales (rows: prior, columns: decoder) from the same noise.")
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = "--prior-guidance", split = ",", paramLabel = "S", defaultValue = "1,4,8",
            description = "Prior guidance scales, one row each. Default: ${DEFAULT-VALUE}.")
    List<Float> priorGuidance;

    @Option(names = "--decoder-guidance", split = ",", paramLabel = "S", defaultValue = "1,4,8,16",
            description = "Decoder guidance scales, one column each. Default: ${DEFAULT-VALUE}.")
    List<Float> decoderGuidance;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The grid (PNG).")
    Path out;

    @Option(names = "--force", description = "Overwrite --out (and --save-noise) if they exist.")
    boolean force;

    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions device;

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
        PrintWriter pw = spec.commandLine().getOut();
        if (priorGuidance.isEmpty() || decoderGuidance.isEmpty()) throw new IllegalArgumentException("--prior-guidance and --decoder-guidance need at least one scale each");
        if ((long) priorGuidance.size() * decoderGuidance.size() > OutputOptions.MAX_GRID_PICTURES) {
            throw new IllegalArgumentException(priorGuidance.size() + " × " + decoderGuidance.size() + " cells make too large a grid (at most "
                    + OutputOptions.MAX_GRID_PICTURES + ")");
        }
        new OutputFiles(force).check(out, "--out");
        if (noise.saveNoisePath() != null) new OutputFiles(force).check(noise.saveNoisePath(), "--save-noise");
        Backend backend = profile.wrap(device.open());
        StageLoader loader = new StageLoader(model.openOrEmbedded(pw), backend);
        PromptEncoder prompts = new PromptEncoder(backend, loader.clipText(), loader.source().clip().config().contextLength());
        TextToImage t2i = new TextToImage(backend, prompts, loader.prior(), loader.decoder(), loader.superRes());
        SamplingSettings fast = SamplingSettings.fast();
        RecordingNoise recorded = new RecordingNoise(noise.open(backend, 1), backend);
        BufferedImage[][] cells = new BufferedImage[priorGuidance.size()][decoderGuidance.size()];
        for (int r = 0; r < cells.length; r++) {
            for (int c = 0; c < cells[r].length; c++) {
                SamplingSettings s = new SamplingSettings(fast.priorRespacing(), fast.decoderRespacing(), fast.srRespacing(),
                        priorGuidance.get(r), decoderGuidance.get(c));
                boolean first = r == 0 && c == 0;
                TextToImage.Result result = t2i.run(List.of(prompt), s, first ? recorded : recorded.replay(), StepListener.NONE);
                cells[r][c] = ImageWriters.visible(picture(result.image256Raw()), ImageWriters.MIN_SIDE);
                pw.printf("prior %s, decoder %s: done%n", label(priorGuidance.get(r)), label(decoderGuidance.get(c)));
            }
        }
        noise.saveIfRequested();
        BufferedImage grid = LabelledGrid.render("prior ↓ decoder →", priorGuidance.stream().map(SweepCommand::label).toList(),
                decoderGuidance.stream().map(SweepCommand::label).toList(), cells);
        ImageWriters.writePng(grid, out);
        pw.printf("wrote %s (%d×%d cells of %d px, %s)%n", out, cells.length, cells[0].length, cells[0][0].getWidth(), noise.describe());
        profile.report(pw);
        return 0;
    }

    private static BufferedImage picture(Tensor image) {
        float[] row = image.slice(0, 0, 1).toFloatArray();
        return ImageWriters.rgb(row, image.dim(2), image.dim(3));
    }

    private static String label(float s) {
        return s == Math.rint(s) ? Integer.toString((int) s) : Float.toString(s);
    }
}
