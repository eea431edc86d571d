package unclip4j.pipeline;

import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/**
 * unCLIP text → image (Karlo's {@code T2ISampler}): CLIP text encoding of the prompts and of "",
 * the guided prior to a CLIP image embedding, the guided decoder to a small image, and the improved
 * super-resolution ×4. Every stage's output is kept in the {@link Result} for inspection.
 */
public final class TextToImage {
    /** What each stage produced (library API: the commands read only some of it); images are NCHW, {@code image} in [0, 1]. */
    public record Result(PromptEncoder.Encoded text, Tensor imageEmbedding, Tensor image64Raw, Tensor image64,
                         Tensor image256Raw, Tensor image) {}

    private final Backend backend;
    private final PromptEncoder prompts;
    private final PriorDiffusionModel prior;
    private final ImageDecoder decoder;
    private final Rerank rerank;

    public TextToImage(Backend backend, PromptEncoder prompts, PriorDiffusionModel prior,
                       DecoderDiffusionModel decoder, SuperResDiffusionModel superRes) {
        this.backend = backend;
        this.prompts = prompts;
        this.prior = prior;
        this.decoder = new ImageDecoder(backend, decoder, superRes);
        this.rerank = new Rerank(backend, prompts, prior);
    }

    /**
     * @param prompts one row per image (repeat a prompt to get several images of it, as Karlo's --batch does)
     */
    public Result run(List<String> prompts, SamplingSettings s, NoiseSource noise, StepListener listener) {
        return run(prompts, 1, s, noise, listener);
    }

    /**
     * As {@link #run(List, SamplingSettings, NoiseSource, StepListener)}, keeping for each row the
     * best of {@code priorSamples} prior samples ({@link Rerank}).
     */
    public Result run(List<String> prompts, int priorSamples, SamplingSettings s, NoiseSource noise, StepListener listener) {
        if (prompts.isEmpty()) throw new IllegalArgumentException("no prompt given");
        PromptEncoder.Encoded text;
        try (var stage = Profiler.stage("clip-text")) {
            text = this.prompts.encodeGuided(prompts);
        }
        Tensor embedding;
        try (var stage = Profiler.stage("prior")) {
            embedding = priorSamples == 1
                    ? prior.sample(text.text(), s.priorGuidance(), s.priorRespacing(), s.ddimEta(), noise, listener)
                    : rerank.sample(prompts, priorSamples, s, noise, listener).embeddings();
        }
        ImageDecoder.Decoded d = decoder.decode(embedding, text.text(), s, noise, listener);
        return new Result(text, backend.download(embedding), d.image64Raw(), d.image64(), d.image256Raw(), d.image());
    }
}
