package unclip4j.config;

/** A Karlo config's {@code diffusion:} section (create_gaussian_diffusion's arguments). */
public record DiffusionConfig(
        int steps,                  // steps: 1000
        String noiseSchedule,       // noise_schedule: squaredcos_cap_v2
        boolean learnSigma,         // learn_sigma: the model also predicts the variance interpolation
        boolean sigmaSmall,         // sigma_small: the posterior variance (else β, which no Karlo stage uses) when not learned
        boolean predictXstart,      // predict_xstart: the model outputs x0 (prior) instead of ε
        boolean rescaleLearnedSigmas, // rescale_learned_sigmas (training only: the loss)
        boolean useKl,              // use_kl (training only: the loss)
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

    /**
     * Refuses a setting the stage's sampler would not follow. Each sampler runs Karlo's process for
     * its stage ({@link #prior()}, {@link #decoder()}, {@link #sr()}), respaced by the command's
     * {@code --<stage>-steps}, whatever a config says; the loss settings only matter in training, and
     * {@code timestep_respacing} may be empty or the stage's own (any other would look like a request the
     * step options silently override).
     */
    void requireSampledAs(DiffusionConfig process, String stage) {
        String karlo = "unclip4j samples the " + stage + " as Karlo does, with steps " + process.steps + ", noise_schedule "
                + process.noiseSchedule + ", learn_sigma " + process.learnSigma
                + (process.learnSigma ? "" : ", sigma_small " + process.sigmaSmall) + ", predict_xstart " + process.predictXstart
                + " (respaced by the command's step options)";
        require(steps == process.steps, "steps", steps, karlo);
        require(noiseSchedule.equals(process.noiseSchedule), "noise_schedule", noiseSchedule, karlo);
        require(learnSigma == process.learnSigma, "learn_sigma", learnSigma, karlo);
        require(learnSigma || sigmaSmall == process.sigmaSmall, "sigma_small", sigmaSmall, karlo); // a learned variance ignores it
        require(predictXstart == process.predictXstart, "predict_xstart", predictXstart, karlo);
        require(timestepRespacing.isEmpty() || timestepRespacing.equals(process.timestepRespacing), "timestep_respacing",
                "'" + timestepRespacing + "'", karlo);
    }

    private static void require(boolean honoured, String key, Object value, String karlo) {
        if (!honoured) throw new InvalidSetting("diffusion." + key, "is " + value + ", but " + karlo);
    }
}
