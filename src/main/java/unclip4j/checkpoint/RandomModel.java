package unclip4j.checkpoint;

import java.util.Arrays;
import java.util.Map;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;
import unclip4j.tensor.Tensor;

/**
 * A model with the given configs and {@link RandomWeights}: every component has exactly the keys
 * and shapes {@link KarloKeys} derives from its config, so the stages build strictly through
 * {@link unclip4j.pipeline.StageLoader} as a real checkpoint would. For throughput measurements.
 */
public record RandomModel(ClipConfig clipConfig, PriorConfig priorConfig, UNetConfig decoderConfig, SrConfig srConfig, long seed)
        implements ModelSource {

    /** Karlo v1.0 alpha at full size: ViT-L/14, the 1B prior, the 900M decoder, the 1.4B SR pair. */
    public static RandomModel karloV1Alpha(long seed) {
        return new RandomModel(ClipConfig.vitL14(), PriorConfig.karloV1Alpha(), UNetConfig.karloV1Alpha(), SrConfig.karloV1Alpha(), seed);
    }

    @Override
    public ModelDirectory.Component<ClipConfig> clip() {
        return component("clip", KarloKeys.clip(clipConfig), clipConfig, 1);
    }

    /** Standard-normal statistics: the prior's output is then its normalised sample. */
    @Override
    public ClipStats clipStats() {
        float[] zeros = new float[priorConfig.clipDim()], ones = new float[priorConfig.clipDim()];
        Arrays.fill(ones, 1f);
        return new ClipStats(Tensor.of(zeros), Tensor.of(ones));
    }

    @Override
    public ModelDirectory.Component<PriorConfig> prior() {
        return component("prior", KarloKeys.prior(priorConfig), priorConfig, 2);
    }

    @Override
    public ModelDirectory.Component<UNetConfig> decoder() {
        return component("decoder", KarloKeys.decoder(decoderConfig), decoderConfig, 3);
    }

    @Override
    public ModelDirectory.Component<SrConfig> sr() {
        return component("sr", KarloKeys.sr(srConfig), srConfig, 4);
    }

    private <C> ModelDirectory.Component<C> component(String name, Map<String, long[]> keys, C config, long salt) {
        String source = "random " + name + " (seed " + seed + ")";
        return new ModelDirectory.Component<>(source, RandomWeights.of(source, keys, seed * 31 + salt), config);
    }
}
