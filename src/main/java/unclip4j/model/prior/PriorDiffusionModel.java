package unclip4j.model.prior;

import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.AttentionEvent;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.GaussianDiffusion;
import unclip4j.diffusion.GuidanceEvent;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.Respacing;
import unclip4j.diffusion.StepListener;
import unclip4j.model.AttentionProbe;
import unclip4j.model.clip.TextConditioning;
import unclip4j.tensor.Tensor;

/**
 * Karlo's {@code karlo/models/prior_model.py PriorDiffusionModel} at sampling time: classifier-free
 * guidance on the x̂0 prediction, the ancestral (or DDIM) loop on a respaced cosine schedule with
 * fixed small variance and the ±10 clamp, and de-normalisation with the CLIP image-embedding
 * statistics ({@code ViT-L-14_stats.th}).
 */
public final class PriorDiffusionModel {
    /** The prior's {@code denoised_fn}: clamp x̂0 to ±10 (diffusers uses ±5). */
    public static final float DENOISED_CLAMP = 10f;
    /** Steps of the diffusion the prior was trained on; a respacing picks its sampling steps among them. */
    public static final int TIMESTEPS = 1000;

    private final Backend backend;
    private final PriorTransformer transformer;
    private final Tensor clipMean; // [D]
    private final Tensor clipStd;  // [D]

    public PriorDiffusionModel(Backend backend, PriorTransformer transformer, Tensor clipMean, Tensor clipStd) {
        this.backend = backend;
        this.transformer = transformer;
        this.clipMean = backend.upload(clipMean.reshape(1, -1));
        this.clipStd = backend.upload(clipStd.reshape(1, -1));
    }

    public PriorTransformer transformer() {
        return transformer;
    }

    /**
     * Karlo's {@code guided_model_fn}: both halves see the first half's x_t; rows 0..B-1 are
     * conditioned on the prompt and rows B..2B-1 on "", and {@code g = out_u + s·(out_c − out_u)}
     * replaces both halves.
     */
    public Tensor guidedPredict(Tensor x, long t, TextConditioning text, float guidanceScale) {
        return guidedPredict(x, t, text, guidanceScale, StepListener.NONE);
    }

    /**
     * As above, showing the listener the conditional and unconditional x̂0 before they are mixed, and
     * every layer's attention from the read token if it wants them.
     */
    public Tensor guidedPredict(Tensor x, long t, TextConditioning text, float guidanceScale, StepListener listener) {
        long b = x.size(0) / 2;
        Tensor half = x.slice(0, 0, b);
        AttentionProbe probe = !listener.wantsAttention() ? null : (module, height, width, weights) ->
                listener.onAttention(new AttentionEvent("prior", t, module, height, width, List.of(), transformer.textCtx(),
                        PriorTransformer.EXTRA_TOKENS, weights));
        Tensor out = transformer.forward(backend.concat(0, half, half), GaussianDiffusion.timesteps(t, 2 * b),
                text.txtFeat(), text.txtFeatSeq(), text.mask(), probe);
        Tensor cond = out.slice(0, 0, b), uncond = out.slice(0, b, 2 * b);
        listener.onGuidance(new GuidanceEvent("prior", t, guidanceScale, cond, uncond));
        Tensor guided = backend.add(uncond, backend.affine(backend.sub(cond, uncond), guidanceScale, 0f));
        return backend.concat(0, guided, guided);
    }

    /**
     * Samples B image embeddings for a guided batch of 2B text rows.
     *
     * @return {@code [B, D]} CLIP image embeddings, de-normalised ({@code x0·std + mean})
     */
    public Tensor sample(TextConditioning text, float guidanceScale, String respacing, double ddimEta, NoiseSource noise, StepListener listener) {
        return denormalize(sampleNormalized(text, guidanceScale, respacing, ddimEta, noise, listener));
    }

    /** From the prior's normalised space to a CLIP image embedding: {@code x·std + mean}. */
    public Tensor denormalize(Tensor normalized) {
        return backend.add(backend.mul(normalized, clipStd), clipMean);
    }

    /**
     * How many {@code noise.prior.NNN} draws of shape {@code [2B, D]} a sampling run with this respacing
     * takes: x_T, then one per step (the last step's is drawn but unused, as in Karlo).
     * A respacing that cannot be honoured is an IllegalArgumentException.
     */
    public static int noiseDraws(String respacing) {
        return Respacing.spaceTimesteps(TIMESTEPS, respacing).length + 1;
    }

    /** The loop's final sample, rows 0..B-1, before de-normalisation. */
    public Tensor sampleNormalized(TextConditioning text, float guidanceScale, String respacing, double ddimEta, NoiseSource noise,
                                   StepListener listener) {
        long rows = text.rows();
        if (rows % 2 != 0) throw new IllegalArgumentException("a guided prior batch needs 2B text rows, got " + rows);
        GaussianDiffusion diffusion = new GaussianDiffusion(backend,
                DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, TIMESTEPS, respacing),
                GaussianDiffusion.ModelMean.START_X, GaussianDiffusion.ModelVariance.FIXED_SMALL,
                false, DENOISED_CLAMP, GaussianDiffusion.isDdimRespacing(respacing), ddimEta);
        long dim = clipMean.size(1);
        Tensor x = diffusion.sample(GaussianDiffusion.IntDenoiserSelector.always((xt, t) -> guidedPredict(xt, t, text, guidanceScale, listener)),
                new long[] {rows, dim}, noise, "prior", listener);
        return backend.contiguous(x.slice(0, 0, rows / 2));
    }
}
