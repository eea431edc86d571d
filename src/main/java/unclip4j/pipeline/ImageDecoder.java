package unclip4j.pipeline;

import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/**
 * The part every unCLIP pipeline shares: CLIP image embedding (+ text) → decoder → clamp →
 * super-resolution → {@code clamp(x·0.5 + 0.5, 0, 1)}.
 */
public final class ImageDecoder {
    /** Host tensors of each step of the way. */
    public record Decoded(Tensor image64Raw, Tensor image64, Tensor image256Raw, Tensor image) {}

    private final Backend backend;
    private final DecoderDiffusionModel decoder;
    private final SuperResDiffusionModel superRes;

    public ImageDecoder(Backend backend, DecoderDiffusionModel decoder, SuperResDiffusionModel superRes) {
        this.backend = backend;
        this.decoder = decoder;
        this.superRes = superRes;
        superRes.requireDecoderSize(decoder.imageSize());
    }

    public Decoded decode(Tensor imageEmbedding, TextConditioning text, SamplingSettings s, NoiseSource noise, StepListener listener) {
        Tensor raw, x64, sr;
        try (var stage = Profiler.stage("decoder")) {
            raw = decoder.sample(imageEmbedding, text, s.decoderGuidance(), s.decoderRespacing(), s.ddimEta(), noise, listener);
            x64 = backend.clamp(raw, -1f, 1f);
        }
        try (var stage = Profiler.stage("sr")) {
            sr = superRes.sample(x64, s.srRespacing(), noise, listener);
        }
        Tensor image = backend.clamp(backend.affine(sr, 0.5f, 0.5f), 0f, 1f);
        return new Decoded(backend.download(raw), backend.download(x64), backend.download(sr), backend.download(image));
    }
}
