package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.ModelDirectory.Part;

/**
 * Where the model comes from, shared by every command that needs weights ({@code @Mixin ModelOptions model;}):
 * a directory in Karlo, diffusers or converted layout, and/or single files per component.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory: Karlo files (ViT-L-14.pt, ViT-L-14_stats.th, prior/decoder/sr .ckpt), diffusers layout, or `convert` output.")
    Path model;

    @Option(names = "--clip", paramLabel = "FILE", description = "CLIP TorchScript archive (ViT-L-14.pt) or safetensors.")
    Path clip;

    @Option(names = "--clip-stats", paramLabel = "FILE", description = "CLIP embedding statistics (ViT-L-14_stats.th).")
    Path clipStats;

    @Option(names = "--prior", paramLabel = "FILE", description = "Prior checkpoint (.ckpt or safetensors); config: the prior.yaml beside it, else the model directory's.")
    Path prior;

    @Option(names = "--decoder", paramLabel = "FILE", description = "Decoder checkpoint (.ckpt or safetensors); config: the decoder.yaml beside it, else the model directory's.")
    Path decoder;

    @Option(names = "--sr", paramLabel = "FILE", description = "Super-resolution checkpoint (.ckpt or safetensors); config: the sr.yaml beside it, else the model directory's.")
    Path sr;

    static final String EMBEDDED_NOTICE = "note: no --model given, using the embedded tiny model (weights/tiny): a RANDOM TEST MODEL "
            + "with the real architecture; its pictures are noise. For real pictures see weights/README.md.";

    /** As {@link #openOrEmbedded()}, saying on out when the embedded test model is used, so its noise is not taken for a result. */
    public ModelDirectory openOrEmbedded(PrintWriter out) {
        ModelDirectory dir = openOrEmbedded();
        if (usesEmbedded()) out.println(EMBEDDED_NOTICE);
        return dir;
    }

    /**
     * The model given, or the embedded tiny model in {@code weights/tiny} of the installation when
     * none is (a random test model: it shows the pipeline runs, not what Karlo draws).
     */
    public ModelDirectory openOrEmbedded() {
        if (model == null && clip == null && clipStats == null && prior == null && decoder == null && sr == null) {
            return ModelDirectory.open(embeddedModel());
        }
        return open();
    }

    /** True when the run uses the embedded test model. */
    public boolean usesEmbedded() {
        return model == null && clip == null && clipStats == null && prior == null && decoder == null && sr == null;
    }

    /** The installation directory, which the launcher passes. */
    static final String HOME_PROPERTY = "unclip4j.home";

    /** {@code <install>/weights/tiny}; the launcher passes the install directory as {@code -Dunclip4j.home}. */
    public static Path embeddedModel() {
        Path home = Path.of(System.getProperty(HOME_PROPERTY, "."));
        Path tiny = home.resolve("weights").resolve("tiny");
        if (!Files.isDirectory(tiny)) {
            throw new IllegalArgumentException("the embedded model " + tiny + " is missing; pass --model DIR");
        }
        return tiny;
    }

    /** The parts given as files of their own (--clip, --prior, ...), not looked up in --model. */
    Map<Part, Path> files() {
        Map<Part, Path> files = new EnumMap<>(Part.class);
        if (clip != null) files.put(Part.CLIP, clip);
        if (clipStats != null) files.put(Part.CLIP_STATS, clipStats);
        if (prior != null) files.put(Part.PRIOR, prior);
        if (decoder != null) files.put(Part.DECODER, decoder);
        if (sr != null) files.put(Part.SR, sr);
        return files;
    }

    /** Opens the model; components are resolved (and can fail) when first used. */
    public ModelDirectory open() {
        Map<Part, Path> overrides = files();
        if (model == null && overrides.isEmpty()) {
            throw new IllegalArgumentException("no model given: use --model DIR (or --clip/--clip-stats/--prior/--decoder/--sr FILE)");
        }
        return ModelDirectory.open(model, overrides);
    }
}
