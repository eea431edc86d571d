package unclip4j.diffusion;

/**
 * The float64 arrays of a (respaced) Gaussian diffusion process, computed exactly as
 * guided-diffusion's {@code SpacedDiffusion} and {@code GaussianDiffusion.__init__} do
 * (karlo/modules/diffusion/respace.py, gaussian_diffusion.py; spec §8.2). Index k = 0..K−1 runs
 * over the kept steps from the least to the most noisy; the network is called with
 * {@code timestepMap()[k]}, never with k. Samplers cast the values to float32 when they apply them.
 *
 * <p>Every accessor returns a fresh copy.
 */
public final class DiffusionSchedule {
    private final long[] timestepMap;
    private final double[] betas;
    private final double[] alphasCumprod;
    private final double[] alphasCumprodPrev;
    private final double[] sqrtRecipAlphasCumprod;
    private final double[] sqrtRecipm1AlphasCumprod;
    private final double[] posteriorLogVarianceClipped;
    private final double[] posteriorMeanCoef1;
    private final double[] posteriorMeanCoef2;
    private final double[] logBetas;

    /**
     * Karlo's {@code create_gaussian_diffusion(steps, noise_schedule, timestep_respacing)}, e.g.
     * {@code create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "25")}.
     */
    public static DiffusionSchedule create(BetaSchedule schedule, int steps, String respacing) {
        return spaced(schedule.betas(steps), Respacing.spaceTimesteps(steps, respacing));
    }

    /**
     * {@code SpacedDiffusion(use_timesteps, betas)}: keeps the given original timesteps (increasing)
     * and gives each the β that carries ᾱ from the previous kept step to it.
     */
    public static DiffusionSchedule spaced(double[] baseBetas, int[] useTimesteps) {
        double[] baseAlphasCumprod = cumprodOneMinus(baseBetas);
        double[] newBetas = new double[useTimesteps.length];
        long[] timestepMap = new long[useTimesteps.length];
        double lastAlphaCumprod = 1.0;
        for (int k = 0; k < useTimesteps.length; k++) {
            int t = useTimesteps[k];
            if (t < 0 || t >= baseBetas.length || (k > 0 && t <= useTimesteps[k - 1])) {
                throw new IllegalArgumentException("timesteps must increase within 0.." + (baseBetas.length - 1) + ", got " + t + " at " + k);
            }
            // β'_k = 1 − ᾱ_{t_k} / ᾱ_{t_{k−1}},  ᾱ_{t_{−1}} = 1
            newBetas[k] = 1 - baseAlphasCumprod[t] / lastAlphaCumprod;
            lastAlphaCumprod = baseAlphasCumprod[t];
            timestepMap[k] = t;
        }
        return new DiffusionSchedule(newBetas, timestepMap);
    }

    /** {@code GaussianDiffusion.__init__(betas)}; the numpy expressions are evaluated in the same order. */
    private DiffusionSchedule(double[] betas, long[] timestepMap) {
        int n = betas.length;
        if (n < 2) {
            throw new IllegalArgumentException("a diffusion process needs at least 2 steps (the clipped posterior"
                    + " log variance borrows step 1), got " + n);
        }
        this.timestepMap = timestepMap;
        this.betas = betas;
        alphasCumprod = cumprodOneMinus(betas);
        alphasCumprodPrev = new double[n];
        sqrtRecipAlphasCumprod = new double[n];
        sqrtRecipm1AlphasCumprod = new double[n];
        double[] posteriorVariance = new double[n];
        posteriorLogVarianceClipped = new double[n];
        posteriorMeanCoef1 = new double[n];
        posteriorMeanCoef2 = new double[n];
        logBetas = new double[n];

        for (int k = 0; k < n; k++) {
            // ᾱ_{k−1} with ᾱ_{−1} = 1
            alphasCumprodPrev[k] = k == 0 ? 1.0 : alphasCumprod[k - 1];
            // √(1/ᾱ_k),  √(1/ᾱ_k − 1): x̂0 = √(1/ᾱ_k)·x_k − √(1/ᾱ_k − 1)·ε
            sqrtRecipAlphasCumprod[k] = Math.sqrt(1.0 / alphasCumprod[k]);
            sqrtRecipm1AlphasCumprod[k] = Math.sqrt(1.0 / alphasCumprod[k] - 1);
            // σ̃²_k = β_k (1 − ᾱ_{k−1}) / (1 − ᾱ_k)
            posteriorVariance[k] = betas[k] * (1.0 - alphasCumprodPrev[k]) / (1.0 - alphasCumprod[k]);
            // c1_k = β_k √ᾱ_{k−1} / (1 − ᾱ_k)
            posteriorMeanCoef1[k] = betas[k] * Math.sqrt(alphasCumprodPrev[k]) / (1.0 - alphasCumprod[k]);
            // c2_k = (1 − ᾱ_{k−1}) √(1 − β_k) / (1 − ᾱ_k)
            posteriorMeanCoef2[k] = (1.0 - alphasCumprodPrev[k]) * Math.sqrt(1.0 - betas[k]) / (1.0 - alphasCumprod[k]);
            logBetas[k] = Math.log(betas[k]);
        }
        for (int k = 0; k < n; k++) {
            // σ̃²_0 = 0 has no logarithm: step 0 borrows σ̃²_1 (the sampler adds no noise there anyway)
            posteriorLogVarianceClipped[k] = Math.log(posteriorVariance[k == 0 ? 1 : k]);
        }
    }

    /** ᾱ_k = Π_{j≤k} (1 − β_j), multiplied left to right as np.cumprod does. */
    private static double[] cumprodOneMinus(double[] betas) {
        double[] out = new double[betas.length];
        double product = 1.0;
        for (int k = 0; k < betas.length; k++) {
            product *= 1.0 - betas[k];
            out[k] = product;
        }
        return out;
    }

    /** K, the number of kept steps. */
    public int numTimesteps() { return betas.length; }

    /** Original timestep of each kept step: what the network is given. */
    public long[] timestepMap() { return timestepMap.clone(); }

    public double[] betas() { return betas.clone(); }

    public double[] alphasCumprod() { return alphasCumprod.clone(); }

    public double[] alphasCumprodPrev() { return alphasCumprodPrev.clone(); }

    public double[] sqrtRecipAlphasCumprod() { return sqrtRecipAlphasCumprod.clone(); }

    public double[] sqrtRecipm1AlphasCumprod() { return sqrtRecipm1AlphasCumprod.clone(); }

    public double[] posteriorLogVarianceClipped() { return posteriorLogVarianceClipped.clone(); }

    public double[] posteriorMeanCoef1() { return posteriorMeanCoef1.clone(); }

    public double[] posteriorMeanCoef2() { return posteriorMeanCoef2.clone(); }

    /** log β_k: the upper end of the learned-range variance (decoder). */
    public double[] logBetas() { return logBetas.clone(); }
}
