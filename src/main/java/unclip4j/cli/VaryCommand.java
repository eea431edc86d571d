package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.diffusion.NoiseSource;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.pipeline.ImageVariation;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j vary --image FILE --out FILE.png}: image variations. */
@Command(name = "vary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Image variations: the picture's CLIP image embedding decoded from fresh noise (Karlo's I2ISampler; no prior, empty caption).",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class VaryCommand extends PictureCommand {
    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The picture (PNG, JPEG, BMP, GIF or TIFF).")
    Path image;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Number of variations. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    MaxBatchOption maxBatch;

    private RgbImage picture;

    @Override
    void validate() {
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1 (it is the number of variations), got " + batch);
        maxBatch.check(batch, noise);
        picture = read(image);
    }

    @Override
    int pictureCount() {
        return batch;
    }

    @Override
    public List<Part> parts() {
        return List.of(Part.CLIP, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource draws, Progress progress) {
        ClipConfig clip = StageLoader.imageEncoderConfig(stages.source());
        ClipImageTransform transform = ClipImageTransform.karlo(clip.imageResolution());
        transform.requireResizable(picture, image.toString()); // before the weights load
        ImageVariation i2i = new ImageVariation(backend, new PromptEncoder(backend, stages.clipText(), clip.contextLength()), stages.clipImage(),
                transform, stages.decoder(), stages.superRes());
        progress.mark();
        Tensor images = drawInBatches(maxBatch, batch, backend, draws, progress,
                (first, count, noise, listener) -> i2i.run(picture, count, s, noise, listener).decoded().image());
        Map<String, Object> facts = RunManifest.map("image", image.toAbsolutePath().normalize().toString(), "batch", batch);
        maxBatch.addTo(facts, batch);
        return new Pictures(images, batch, facts);
    }

    /** Reads a picture, failing with a one-line message. */
    static RgbImage read(Path file) {
        try {
            return Images.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
