package unclip4j.diffusion;

/**
 * The noise schedules of guided-diffusion's {@code get_named_beta_schedule}
 * (karlo/modules/diffusion/gaussian_diffusion.py), in float64. Karlo uses
 * {@link #SQUAREDCOS_CAP_V2} with T = 1000 for all three stages.
 */
public enum BetaSchedule {
    /** Ho et al.'s linear schedule, rescaled so that any T behaves like T = 1000. */
    LINEAR("linear") {
        @Override
        public double[] betas(int numTimesteps) {
            checkSteps(numTimesteps);
            double scale = 1000.0 / numTimesteps;
            double betaStart = scale * 0.0001;
            double betaEnd = scale * 0.02;
            // np.linspace(beta_start, beta_end, T): start + i·step, the last one exactly beta_end
            double[] betas = new double[numTimesteps];
            double step = (betaEnd - betaStart) / (numTimesteps - 1);
            for (int i = 0; i < numTimesteps; i++) betas[i] = i * step + betaStart;
            betas[numTimesteps - 1] = numTimesteps > 1 ? betaEnd : betaStart;
            return betas;
        }
    },

    /** Nichol and Dhariwal's cosine schedule, β capped at 0.999 (spec §8.1). */
    SQUAREDCOS_CAP_V2("squaredcos_cap_v2") {
        private static final double MAX_BETA = 0.999;

        @Override
        public double[] betas(int numTimesteps) {
            checkSteps(numTimesteps);
            double[] betas = new double[numTimesteps];
            for (int i = 0; i < numTimesteps; i++) {
                double t1 = (double) i / numTimesteps;
                double t2 = (double) (i + 1) / numTimesteps;
                // β_i = min(1 − ᾱ(t2)/ᾱ(t1), 0.999)
                betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), MAX_BETA);
            }
            return betas;
        }

        /** ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), t ∈ [0, 1]. */
        private static double alphaBar(double t) {
            double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
            return c * c;
        }
    };

    private final String configName;

    BetaSchedule(String configName) {
        this.configName = configName;
    }

    /** β_0..β_{T−1}. */
    public abstract double[] betas(int numTimesteps);

    /** The name the configs use ({@code noise_schedule}). */
    public String configName() {
        return configName;
    }

    private static void checkSteps(int numTimesteps) {
        if (numTimesteps < 1) throw new IllegalArgumentException("a schedule needs at least 1 step, got " + numTimesteps);
    }
}
