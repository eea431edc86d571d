package unclip4j.cli;

import java.nio.file.Path;
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
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextDiff;
import unclip4j.tensor.Tensor;

/** {@code unclip4j textdiff --image FILE --from TEXT --to TEXT --amounts 0,0.25,0.5 --out FILE.png}. */
@Command(name = "textdiff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text-diff edit (DALL-E 2 paper 3.3): move a picture's CLIP image embedding towards a change of caption.",
                "The direction is normalize(text(--to) - text(--from)), the move a slerp; one frame per amount, all decoded with the same noise.",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class TextDiffCommand extends PictureCommand {
    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The picture to edit.")
    Path image;

    @Option(names = "--from", required = true, paramLabel = "TEXT", description = "A caption of the picture as it is.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TEXT", description = "A caption of the picture as wanted.")
    String to;

    @Option(names = "--amounts", paramLabel = "A,B,...", split = ",", defaultValue = "0,0.25,0.5",
            description = "Slerp amounts theta in [0, 1], one frame each (0 = the picture's own variation). Default: ${DEFAULT-VALUE}.")
    double[] amounts;

    private RgbImage picture;

    @Override
    void validate() {
        if (amounts.length > InterpolateCommand.MAX_FRAMES) {
            throw new IllegalArgumentException("--amounts: " + amounts.length + " frames, at most " + InterpolateCommand.MAX_FRAMES + " (every frame is kept until the end)");
        }
        for (double a : amounts) {
            if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("--amounts must lie in [0, 1], got " + a);
        }
        picture = VaryCommand.read(image);
    }

    @Override
    int pictureCount() {
        return amounts.length;
    }

    /** Every frame is decoded from the same noise. */
    @Override
    int seededPictures(String stage) {
        return 1;
    }

    @Override
    public List<Part> parts() {
        return List.of(Part.CLIP, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource noise, Progress progress) {
        ClipConfig clip = StageLoader.imageEncoderConfig(stages.source());
        ClipImageTransform transform = ClipImageTransform.karlo(clip.imageResolution());
        transform.requireResizable(picture, image.toString()); // before the weights load
        PromptEncoder encoder = new PromptEncoder(backend, stages.clipText(), clip.contextLength());
        Tensor z = new ImageEmbedder(backend, stages.clipImage(), transform).embed(picture);
        TextDiff diff = new TextDiff(backend, encoder, new FrameDecoder(backend, encoder, stages.decoder(), stages.superRes()));
        progress.mark();
        List<FrameDecoder.Frame> frames = diff.run(z, from, to, amounts, s, noise, steps);
        return new Pictures(concatRows(frames.stream().map(f -> f.decoded().image()).toList()), amounts.length,
                RunManifest.map("image", image.toAbsolutePath().normalize().toString(), "from", from, "to", to, "amounts", amounts));
    }
}
