package unclip4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.diffusion.Respacing;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.pipeline.SamplingSettings;

/**
 * The step counts of the diffusion stages, for every command that draws pictures (guidance scales
 * are {@link SamplingOptions}'s, or a {@code sweep}'s lists). The presets are Karlo's: {@code fast} =
 * 25/25/7 steps (its example's default), {@code default} = 25/50/7; an explicit {@code --*-steps}
 * overrides the preset.
 */
public final class StepOptions {
    /** Karlo's diffusion processes have 1000 timesteps. */
    private static final int TIMESTEPS = 1000;

    @Option(names = "--quality", paramLabel = "fast|default", defaultValue = "fast",
            description = "Karlo's step presets: fast = prior 25, decoder 25, SR 7; default = 25 / 50 / 7. Default: ${DEFAULT-VALUE}.")
    String quality;

    @Option(names = "--prior-steps", paramLabel = "N", description = "Prior steps (a respacing: N, or ddimN for DDIM). Default: from --quality (25).")
    String priorSteps;

    @Option(names = "--decoder-steps", paramLabel = "N", description = "Decoder steps (N or ddimN). Default: from --quality (25 fast, 50 default).")
    String decoderSteps;

    @Mixin
    DdimEtaOption ddimEta;

    @Option(names = "--sr-steps", paramLabel = "N", defaultValue = SuperResDiffusionModel.RESPACING,
            description = "Super-resolution steps; the improved SR is trained for 7 (6 + 1 last step) only. Default: ${DEFAULT-VALUE}.")
    String srSteps;

    /**
     * The settings with these guidance scales, checked before any model is loaded; withPrior: whether the
     * command samples the prior (its --prior-steps count for --ddim-eta only then).
     */
    public SamplingSettings settings(float priorGuidance, float decoderGuidance, boolean withPrior) {
        SamplingSettings preset = switch (quality) {
            case "fast" -> SamplingSettings.fast();
            case "default" -> SamplingSettings.quality();
            default -> throw new IllegalArgumentException("--quality must be fast or default, got '" + quality + "'");
        };
        String prior = checked("--prior-steps", priorSteps == null ? preset.priorRespacing() : priorSteps);
        String decoder = checked("--decoder-steps", decoderSteps == null ? preset.decoderRespacing() : decoderSteps);
        if (!SuperResDiffusionModel.RESPACING.equals(srSteps)) {
            throw new IllegalArgumentException("--sr-steps must be 7: the improved super-resolution is trained for 6 + 1 steps, got " + srSteps);
        }
        Map<String, String> ddimStages = new LinkedHashMap<>();
        if (withPrior) ddimStages.put("--prior-steps", prior);
        ddimStages.put("--decoder-steps", decoder);
        return new SamplingSettings(prior, decoder, srSteps, priorGuidance, decoderGuidance, ddimEta.checked(ddimStages));
    }

    private static String checked(String option, String respacing) {
        // Respacing reads "" as every step (Karlo's configs say so); given here it is an unset variable more likely than a wish for 1000 steps
        if (respacing.isBlank()) throw new IllegalArgumentException(option + " is empty; give N (1000 for every step) or ddimN");
        try {
            Respacing.spaceTimesteps(TIMESTEPS, respacing);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + respacing + ": " + e.getMessage(), e);
        }
        return respacing;
    }
}
