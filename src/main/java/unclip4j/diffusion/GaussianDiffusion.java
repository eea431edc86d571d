package unclip4j.diffusion;

import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * The reverse diffusion process of guided-diffusion / Karlo ({@code gaussian_diffusion.py}) on a
 * respaced schedule: from a model output to x̂0, the posterior mean and variance, and the ancestral
 * (DDPM) or DDIM step. Coefficients are float64 in the schedule and applied in float32, as
 * {@code _extract_into_tensor} does. The network is always called with the original timestep.
 */
public final class GaussianDiffusion {

    /** What the network predicts. */
    public enum ModelMean { EPSILON, START_X }

    /** How the step's variance is chosen. */
    public enum ModelVariance { FIXED_SMALL, LEARNED_RANGE }

    /** The (guided) network: x_t with the original timestep t → output (ε̂ [+ v] or x̂0). */
    @FunctionalInterface
    public interface Denoiser {
        Tensor predict(Tensor xT, long t);
    }

    private final Backend backend;
    private final DiffusionSchedule schedule;
    private final ModelMean mean;
    private final ModelVariance variance;
    private final boolean clipDenoised;
    private final float denoisedClamp;
    private final boolean ddim;
    private final double ddimEta;

    /**
     * @param clipDenoised  clamp x̂0 to [-1, 1] (decoder, SR)
     * @param denoisedClamp clamp x̂0 to ±this before anything else (the prior's {@code denoised_fn}: 10); NaN for none
     * @param ddim          DDIM steps with η = 0, as Karlo takes them (respacing strings starting with "ddim"
     *                      or "fast"), instead of ancestral ones
     */
    public GaussianDiffusion(Backend backend, DiffusionSchedule schedule, ModelMean mean, ModelVariance variance,
                             boolean clipDenoised, float denoisedClamp, boolean ddim) {
        this(backend, schedule, mean, variance, clipDenoised, denoisedClamp, ddim, 0.0);
    }

    /**
     * As above, with DDIM's η (Song et al. 2021, eq. 16) for researchers: 0 is Karlo's deterministic DDIM, 1 gives
     * the ancestral posterior's variance with DDIM's mean; in between, each step adds σ·z from the step's draw.
     */
    public GaussianDiffusion(Backend backend, DiffusionSchedule schedule, ModelMean mean, ModelVariance variance,
                             boolean clipDenoised, float denoisedClamp, boolean ddim, double ddimEta) {
        requireDdimEta(ddimEta);
        this.backend = backend;
        this.schedule = schedule;
        this.mean = mean;
        this.variance = variance;
        this.clipDenoised = clipDenoised;
        this.denoisedClamp = denoisedClamp;
        this.ddim = ddim;
        this.ddimEta = ddimEta;
    }

    /** η is 0 to 1: past 1, σ² can exceed 1 − ᾱ_{t−1} and the step's ε coefficient is the root of a negative number. */
    public static double requireDdimEta(double eta) {
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("DDIM's eta must be between 0 and 1, got " + eta);
        return eta;
    }

    /** The network's timestep input for a batch: the original timestep t on every one of rows rows (I64). */
    public static Tensor timesteps(long t, long rows) {
        long[] ts = new long[Math.toIntExact(rows)];
        java.util.Arrays.fill(ts, t);
        return Tensor.ofLongs(ts, rows);
    }

    /** Karlo switches the prior and decoder to DDIM when the respacing string says so. */
    public static boolean isDdimRespacing(String respacing) {
        return respacing.startsWith("ddim") || respacing.startsWith("fast");
    }

    public int steps() {
        return schedule.numTimesteps();
    }

    /**
     * Runs the whole reverse process: {@code x_T = noise}, then one step per respaced timestep, each
     * drawing fresh noise of x's full shape (also at the last step, where it is multiplied by 0).
     * Each network evaluation runs in its own {@link TensorScope}: its intermediates are freed as it
     * returns, so every step reuses the memory of the one before.
     *
     * @param shape    state shape (Karlo's guided loops carry 2B rows; only the first B matter)
     * @param networks picks the network for respaced index i (the improved SR switches at i = 0); usually one
     * @throws NonFiniteSampleException when the sample ends holding NaN or infinite values
     */
    public Tensor sample(IntDenoiserSelector networks, long[] shape, NoiseSource noise, String stage, StepListener listener) {
        Tensor x = noise.next(stage, shape);
        int n = steps();
        long[] map = schedule.timestepMap();
        for (int k = 0; k < n; k++) {
            int i = n - 1 - k;
            long t = map[i];
            Tensor out;
            try (TensorScope evaluation = TensorScope.open()) {
                out = evaluation.keep(networks.forIndex(i).predict(x, t));
            }
            Tensor z = noise.next(stage, shape);
            x = ddim ? ddimStep(stage, k, i, t, x, out, z, listener) : ancestralStep(stage, k, i, t, x, out, z, listener);
        }
        requireFinite(stage, x, n);
        return x;
    }

    /** Once per sample, on the host: a stage that diverged is named here, not found later as a black picture. */
    private void requireFinite(String stage, Tensor x, int steps) {
        float[] values = backend.download(x).toFloatArray();
        long bad = 0;
        for (float v : values) if (!Float.isFinite(v)) bad++;
        if (bad > 0) throw new NonFiniteSampleException(stage, bad, values.length, steps);
    }

    /** Chooses the network by respaced index. */
    @FunctionalInterface
    public interface IntDenoiserSelector {
        Denoiser forIndex(int i);

        static IntDenoiserSelector always(Denoiser d) {
            return i -> d;
        }
    }

    /**
     * x̂0 from a model output at respaced index i: ε models use {@code x̂0 = √(1/ᾱ)·x − √(1/ᾱ − 1)·ε̂}
     * (ε̂ = the first C channels), x0 models return the output; then the clamps.
     */
    public Tensor predictXstart(Tensor x, Tensor out, int i) {
        Tensor x0;
        if (mean == ModelMean.START_X) {
            x0 = out;
        } else {
            Tensor eps = channels(out, 0, x.size(1));
            x0 = backend.sub(backend.affine(x, f(schedule.sqrtRecipAlphasCumprod()[i]), 0f),
                    backend.affine(eps, f(schedule.sqrtRecipm1AlphasCumprod()[i]), 0f));
        }
        if (!Float.isNaN(denoisedClamp)) x0 = backend.clamp(x0, -denoisedClamp, denoisedClamp);
        if (clipDenoised) x0 = backend.clamp(x0, -1f, 1f);
        return x0;
    }

    /** Posterior mean {@code μ = c1·x̂0 + c2·x_t} (Ho et al. 2020, eq. 7). */
    public Tensor posteriorMean(Tensor x0, Tensor x, int i) {
        return backend.add(backend.affine(x0, f(schedule.posteriorMeanCoef1()[i]), 0f),
                backend.affine(x, f(schedule.posteriorMeanCoef2()[i]), 0f));
    }

    /**
     * The step's log variance, as a tensor of x's shape: fixed small = clipped posterior log variance;
     * learned range = interpolation
     * {@code f·log β'_i + (1−f)·logσ̃²_i} with {@code f = (v+1)/2} and v the extra output channels.
     */
    public Tensor logVariance(Tensor x, Tensor out, int i) {
        return switch (variance) {
            case FIXED_SMALL -> constantLike(x, f(schedule.posteriorLogVarianceClipped()[i]));
            case LEARNED_RANGE -> {
                long c = x.size(1);
                Tensor v = channels(out, c, 2 * c);
                float minLog = f(schedule.posteriorLogVarianceClipped()[i]);
                float maxLog = f(schedule.logBetas()[i]);
                Tensor frac = backend.affine(v, 0.5f, 0.5f);
                yield backend.add(backend.affine(frac, maxLog, 0f), backend.affine(backend.affine(frac, -1f, 1f), minLog, 0f));
            }
        };
    }

    private Tensor ancestralStep(String stage, int k, int i, long t, Tensor x, Tensor out, Tensor z, StepListener listener) {
        Tensor x0 = predictXstart(x, out, i);
        Tensor mu = posteriorMean(x0, x, i);
        Tensor logVar = logVariance(x, out, i);
        // x_{t-1} = μ + σ·z, except at the last step (i = 0) where no noise is added
        Tensor next = i == 0 ? mu : backend.add(mu, backend.mul(backend.exp(backend.affine(logVar, 0.5f, 0f)), z));
        listener.onStep(new StepEvent(stage, k, steps(), i, t, x, out, x0, mu, logVar, next));
        return next;
    }

    /**
     * DDIM (Song et al. 2021, eq. 12): x_{t−1} = √ᾱ_{t−1}·x̂0 + √(1 − ᾱ_{t−1} − σ²)·ε + σ·z with
     * σ = η·√((1 − ᾱ_{t−1})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t−1}). Deterministic for Karlo's η = 0, whose draw z is
     * still consumed, as Karlo's; the last step (ᾱ_{t−1} = 1) has σ = 0 whatever η.
     */
    private Tensor ddimStep(String stage, int k, int i, long t, Tensor x, Tensor out, Tensor z, StepListener listener) {
        Tensor x0 = predictXstart(x, out, i);
        // ε recomputed from the processed x̂0: ε = (√(1/ᾱ)·x_t − x̂0) / √(1/ᾱ − 1)
        Tensor eps = backend.affine(backend.sub(backend.affine(x, f(schedule.sqrtRecipAlphasCumprod()[i]), 0f), x0),
                1f / f(schedule.sqrtRecipm1AlphasCumprod()[i]), 0f);
        double ab = schedule.alphasCumprod()[i], abPrev = schedule.alphasCumprodPrev()[i];
        double sigma = ddimEta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
        Tensor meanPred = backend.add(backend.affine(x0, f(Math.sqrt(abPrev)), 0f), backend.affine(eps, f(Math.sqrt(1 - abPrev - sigma * sigma)), 0f));
        Tensor next = sigma == 0 ? meanPred : backend.add(meanPred, backend.affine(z, f(sigma), 0f));
        Tensor logVariance = sigma == 0 ? null : constantLike(x, f(Math.log(sigma * sigma))); // none where the step adds no noise
        listener.onStep(new StepEvent(stage, k, steps(), i, t, x, out, x0, meanPred, logVariance, next));
        return next;
    }


    /** Channels [from, to) of an NCHW or NC tensor. */
    private Tensor channels(Tensor out, long from, long to) {
        return from == 0 && to == out.size(1) ? out : backend.contiguous(out.slice(1, from, to));
    }

    private Tensor constantLike(Tensor x, float value) {
        return backend.affine(x, 0f, value);
    }

    private static float f(double v) {
        return (float) v;
    }
}
