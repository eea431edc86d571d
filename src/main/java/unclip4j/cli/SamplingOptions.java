package unclip4j.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.pipeline.SamplingSettings;

/** Steps ({@link StepOptions}) and guidance of the diffusion stages, shared by every command that draws pictures. */
public final class SamplingOptions {
    @Mixin
    StepOptions steps;

    @Option(names = "--prior-guidance", paramLabel = "S", defaultValue = "4", description = "Classifier-free guidance scale of the prior. Default: ${DEFAULT-VALUE}.")
    float priorGuidance;

    @Option(names = "--decoder-guidance", paramLabel = "S", defaultValue = "8", description = "Classifier-free guidance scale of the decoder. Default: ${DEFAULT-VALUE}.")
    float decoderGuidance;

    /** The settings, checked before any model is loaded; withPrior: whether the command samples the prior. */
    public SamplingSettings settings(boolean withPrior) {
        return steps.settings(priorGuidance, decoderGuidance, withPrior);
    }
}
