package unclip4j.cli;

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

    @Option(names = "--prior", paramLabel = "FILE", description = "Prior checkpoint (.ckpt or safetensors).")
    Path prior;

    @Option(names = "--decoder", paramLabel = "FILE", description = "Decoder checkpoint (.ckpt or safetensors).")
    Path decoder;

    @Option(names = "--sr", paramLabel = "FILE", description = "Super-resolution checkpoint (.ckpt or safetensors).")
    Path sr;

    /** Opens the model; components are resolved (and can fail) when first used. */
    public ModelDirectory open() {
        Map<Part, Path> overrides = new EnumMap<>(Part.class);
        if (clip != null) overrides.put(Part.CLIP, clip);
        if (clipStats != null) overrides.put(Part.CLIP_STATS, clipStats);
        if (prior != null) overrides.put(Part.PRIOR, prior);
        if (decoder != null) overrides.put(Part.DECODER, decoder);
        if (sr != null) overrides.put(Part.SR, sr);
        if (model == null && overrides.isEmpty()) {
            throw new IllegalArgumentException("no model given: use --model DIR (or --clip/--clip-stats/--prior/--decoder/--sr FILE)");
        }
        return ModelDirectory.open(model, overrides);
    }
}
