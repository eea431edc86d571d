package unclip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.diffusion.NoiseSource;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.pipeline.FrameDecoder;
import unclip4j.pipeline.ImageEmbedder;
import unclip4j.pipeline.Interpolation;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.Rerank;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j interpolate --image A --image B --frames N --out FILE.png} (or two --prompt). */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Frames between two pictures or two prompts, by slerp between their CLIP image embeddings.",
                "A prompt's embedding is a prior sample. Every frame is decoded with the same noise, so the first and last frames",
                "are the endpoints' own decodings.",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class InterpolateCommand extends PictureCommand {
    @Option(names = "--image", paramLabel = "FILE", description = "An endpoint picture; give exactly two (or two --prompt).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--prompt", paramLabel = "TEXT", description = "An endpoint prompt; give exactly two (or two --image).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--frames", paramLabel = "N", defaultValue = "5", description = "Number of frames, endpoints included (>= 2). Default: ${DEFAULT-VALUE}.")
    int frames;

    private final List<RgbImage> pictures = new ArrayList<>();

    @Override
    void validate() {
        boolean byImage = images.size() == 2 && prompts.isEmpty(), byPrompt = prompts.size() == 2 && images.isEmpty();
        if (!byImage && !byPrompt) {
            throw new IllegalArgumentException("give two endpoints: --image A --image B, or --prompt A --prompt B (got "
                    + images.size() + " image(s), " + prompts.size() + " prompt(s))");
        }
        if (frames < 2) throw new IllegalArgumentException("--frames must be at least 2 (the endpoints), got " + frames);
        for (Path p : images) pictures.add(VaryCommand.read(p));
    }

    @Override
    int pictureCount() {
        return frames;
    }

    @Override
    List<Part> parts() {
        return images.isEmpty() ? List.of(Part.CLIP, Part.CLIP_STATS, Part.PRIOR, Part.DECODER, Part.SR) : List.of(Part.CLIP, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource noise, Progress progress) {
        ClipConfig clip = clipConfig(stages);
        PromptEncoder encoder = new PromptEncoder(backend, stages.clipText(), clip.contextLength());
        List<Tensor> ends = new ArrayList<>();
        if (pictures.isEmpty()) {
            Rerank prior = new Rerank(backend, encoder, stages.prior());
            progress.mark();
            Tensor z = prior.sample(prompts, 1, s, noise, steps).embeddings();
            ends.add(z.slice(0, 0, 1).contiguous());
            ends.add(z.slice(0, 1, 2).contiguous());
        } else {
            ImageEmbedder embedder = new ImageEmbedder(backend, stages.clipImage(), ClipImageTransform.karlo(clip.imageResolution()));
            for (RgbImage p : pictures) ends.add(embedder.embed(p));
        }
        Interpolation interpolation = new Interpolation(new FrameDecoder(backend, encoder, stages.decoder(), stages.superRes()));
        List<FrameDecoder.Frame> result = interpolation.run(ends.get(0), ends.get(1), frames, s, noise, steps);
        List<Tensor> pics = result.stream().map(f -> f.decoded().image()).toList();
        Object endpoints = pictures.isEmpty() ? prompts : images.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
        return new Pictures(stack(pics), frames, RunManifest.map(pictures.isEmpty() ? "prompts" : "images", endpoints,
                "frames", frames, "fractions", Interpolation.fractions(frames)));
    }
}
