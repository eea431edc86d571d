package unclip4j.model.unet;

import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.AttentionEvent;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.GaussianDiffusion;
import unclip4j.diffusion.GuidanceEvent;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.model.AttentionProbe;
import unclip4j.model.clip.TextConditioning;
import unclip4j.tensor.Tensor;

/**
 * Karlo's {@code karlo/models/decoder_model.py Text2ImProgressiveModel} at sampling time: the
 * {@link PLMImUNet} under classifier-free guidance on the ε channels, sampled with learned-range
 * variance and x̂0 clipped to [-1, 1] on a respaced cosine schedule.
 */
public final class DecoderDiffusionModel {
    private final Backend backend;
    private final PLMImUNet unet;
    private final int imageSize;

    public DecoderDiffusionModel(Backend backend, PLMImUNet unet, int imageSize) {
        this.backend = backend;
        this.unet = unet;
        this.imageSize = imageSize;
    }

    /** The side of the pictures it draws (image_size): what the super-resolution upscales. */
    public int imageSize() {
        return imageSize;
    }

    public PLMImUNet unet() {
        return unet;
    }

    /**
     * The decoder's {@code y} for a guided batch: the B image embeddings, then B copies of the
     * learned unconditional embedding {@code cf_param}: the unconditional half drops both the text
     * and the image.
     */
    public Tensor guidedY(Tensor imageEmbedding) {
        long b = imageEmbedding.size(0);
        Tensor cf = unet.cfParam().reshape(1, -1).expand(b, unet.cfParam().size(0));
        return backend.concat(0, imageEmbedding, cf);
    }

    /**
     * Karlo's {@code guided_model_fn}: both halves see the first half's x_t; ε̂ = ε̂_u + s·(ε̂_c − ε̂_u)
     * replaces channels 0..2 of both halves, and each half keeps its own variance channels (the
     * kept first half therefore uses the conditional v).
     */
    public Tensor guidedPredict(Tensor x, long t, Tensor y, TextConditioning text, float guidanceScale) {
        return guidedPredict(x, t, y, text, guidanceScale, StepListener.NONE);
    }

    /**
     * As above, showing the listener the conditional and unconditional ε before they are mixed, and the
     * cross-attention weights of every attention block if it wants them.
     */
    public Tensor guidedPredict(Tensor x, long t, Tensor y, TextConditioning text, float guidanceScale, StepListener listener) {
        long b = x.size(0) / 2, c = x.size(1);
        Tensor half = x.slice(0, 0, b);
        AttentionProbe probe = !listener.wantsAttention() ? null : (module, height, width, weights) ->
                listener.onAttention(new AttentionEvent("decoder", t, module, height, width, unet.imageTokenNames(),
                        weights.length / (height * width) - unet.clipEmbMult(), List.of(), weights));
        Tensor out = unet.forward(backend.concat(0, half, half), GaussianDiffusion.timesteps(t, 2 * b), y,
                text.txtFeat(), text.txtFeatSeq(), text.mask(), probe);
        Tensor epsCond = out.slice(0, 0, b).slice(1, 0, c);
        Tensor epsUncond = out.slice(0, b, 2 * b).slice(1, 0, c);
        listener.onGuidance(new GuidanceEvent("decoder", t, guidanceScale, epsCond, epsUncond));
        Tensor eps = backend.add(epsUncond, backend.affine(backend.sub(epsCond, epsUncond), guidanceScale, 0f));
        return backend.concat(1, backend.concat(0, eps, eps), out.slice(1, c, out.size(1)));
    }

    /**
     * Samples B images of {@code [3, S, S]} for B image embeddings and a guided batch of 2B text rows.
     *
     * @return rows 0..B-1 of the final sample, before clamping
     */
    public Tensor sample(Tensor imageEmbedding, TextConditioning text, float guidanceScale, String respacing, double ddimEta,
                         NoiseSource noise, StepListener listener) {
        long b = imageEmbedding.size(0);
        if (text.rows() != 2 * b) {
            throw new IllegalArgumentException("the decoder needs 2B = " + 2 * b + " text rows for " + b + " image embeddings, got " + text.rows());
        }
        GaussianDiffusion diffusion = new GaussianDiffusion(backend,
                DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, respacing),
                GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.LEARNED_RANGE,
                true, Float.NaN, GaussianDiffusion.isDdimRespacing(respacing), ddimEta);
        Tensor y = guidedY(backend.upload(imageEmbedding));
        Tensor x = diffusion.sample(GaussianDiffusion.IntDenoiserSelector.always((xt, t) -> guidedPredict(xt, t, y, text, guidanceScale, listener)),
                new long[] {2 * b, 3, imageSize, imageSize}, noise, "decoder", listener);
        return backend.contiguous(x.slice(0, 0, b));
    }
}
