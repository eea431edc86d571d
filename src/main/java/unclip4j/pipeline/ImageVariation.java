package unclip4j.pipeline;

import java.util.Collections;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/**
 * unCLIP image variations (Karlo's {@code I2ISampler}): the CLIP image embedding of a picture
 * takes the prior's place; the text is "" for both guidance halves; the decoder redraws from fresh
 * noise (no DDIM inversion, as in Karlo and diffusers).
 */
public final class ImageVariation {
    /** The preprocessed pixels, the embedding and the decoded images: library API, more than the {@code vary} command writes. */
    public record Result(Tensor pixels, Tensor imageEmbedding, ImageDecoder.Decoded decoded) {}

    private final Backend backend;
    private final PromptEncoder prompts;
    private final VisionTransformer vision;
    private final ClipImageTransform transform;
    private final ImageDecoder decoder;

    public ImageVariation(Backend backend, PromptEncoder prompts, VisionTransformer vision, ClipImageTransform transform,
                          DecoderDiffusionModel decoder, SuperResDiffusionModel superRes) {
        this.backend = backend;
        this.prompts = prompts;
        this.vision = vision;
        this.transform = transform;
        this.decoder = new ImageDecoder(backend, decoder, superRes);
    }

    /** B variations of one image. */
    public Result run(RgbImage image, int batch, SamplingSettings s, NoiseSource noise, StepListener listener) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        Tensor pixels, repeated;
        try (var stage = Profiler.stage("clip-image")) {
            pixels = transform.apply(image);
            Tensor embedding = vision.forward(pixels);
            repeated = backend.concat(0, Collections.nCopies(batch, embedding).toArray(Tensor[]::new));
        }
        PromptEncoder.Encoded text;
        try (var stage = Profiler.stage("clip-text")) {
            text = prompts.encode(Collections.nCopies(2 * batch, ""));
        }
        ImageDecoder.Decoded d = decoder.decode(repeated, text.text(), s, noise, listener);
        return new Result(pixels, backend.download(repeated), d);
    }
}
