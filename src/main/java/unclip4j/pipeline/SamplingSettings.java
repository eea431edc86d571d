package unclip4j.pipeline;

import unclip4j.diffusion.GaussianDiffusion;

/**
 * Per-stage respacing and guidance of a generation, and η for the stages that take DDIM steps
 * (a "ddimN" respacing). Karlo's presets: "fast" = prior 25, decoder 25, SR 7 steps; "default" =
 * 25 / 50 / 7; guidance prior 4.0, decoder 8.0, SR none; DDIM with η = 0.
 */
public record SamplingSettings(String priorRespacing, String decoderRespacing, String srRespacing,
                               float priorGuidance, float decoderGuidance, double ddimEta) {

    public SamplingSettings {
        checkGuidance("prior", priorGuidance);
        checkGuidance("decoder", decoderGuidance);
        GaussianDiffusion.requireDdimEta(ddimEta);
    }

    /** Karlo's deterministic DDIM (η = 0) where a respacing asks for DDIM. */
    public SamplingSettings(String priorRespacing, String decoderRespacing, String srRespacing, float priorGuidance, float decoderGuidance) {
        this(priorRespacing, decoderRespacing, srRespacing, priorGuidance, decoderGuidance, 0.0);
    }

    /** Whether a stage that runs takes DDIM steps (the decoder always runs; the prior where withPrior), so that η counts. */
    public boolean takesDdimSteps(boolean withPrior) {
        return GaussianDiffusion.isDdimRespacing(decoderRespacing) || withPrior && GaussianDiffusion.isDdimRespacing(priorRespacing);
    }

    public static SamplingSettings fast() {
        return new SamplingSettings("25", "25", "7", 4f, 8f);
    }

    public static SamplingSettings quality() {
        return new SamplingSettings("25", "50", "7", 4f, 8f);
    }

    private static void checkGuidance(String stage, float s) {
        if (!Float.isFinite(s) || s < 0) throw new IllegalArgumentException(stage + " guidance must be a finite number >= 0, got " + s);
    }
}
