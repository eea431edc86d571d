package unclip4j.config;

/** A Karlo config's {@code diffusion:} section (create_gaussian_diffusion's arguments). */
public record DiffusionConfig(
        int steps,                  // steps: 1000
        String noiseSchedule,       // noise_schedule: squaredcos_cap_v2
        boolean learnSigma,         // learn_sigma: the model also predicts the variance interpolation
        boolean sigmaSmall,         // sigma_small: FIXED_SMALL (else FIXED_LARGE) when not learned
        boolean predictXstart,      // predict_xstart: the model outputs x0 (prior) instead of ε
        boolean rescaleLearnedSigmas, // rescale_learned_sigmas
        boolean useKl,              // use_kl (training only)
        String timestepRespacing) { // timestep_respacing: '' in the files; samplers choose their own

    public static DiffusionConfig prior() {
        return new DiffusionConfig(1000, "squaredcos_cap_v2", false, true, true, false, false, "");
    }

    public static DiffusionConfig decoder() {
        return new DiffusionConfig(1000, "squaredcos_cap_v2", true, false, false, true, false, "");
    }

    public static DiffusionConfig sr() {
        return new DiffusionConfig(1000, "squaredcos_cap_v2", false, true, false, true, false, "7");
    }
}
