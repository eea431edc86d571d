package unclip4j.config;

import java.util.List;

/**
 * Karlo's 64→256 super-resolution (configs/improved_sr_64_256_1.4B.yaml {@code model.hparams}).
 * The code fixes the rest: no attention, resblock_updown, no scale-shift norm, in 6 (x_t ‖ low_res), out 3.
 * Both networks ({@code model_first_steps}, {@code model_last_step}) share this config.
 */
public record SrConfig(
        int channels,                 // channels
        int depth,                    // depth: res blocks per level
        List<Integer> channelsMultiple, // channels_multiple
        double dropout,               // dropout
        DiffusionConfig diffusion) {

    public SrConfig {
        channelsMultiple = List.copyOf(channelsMultiple);
        Limits.levelWidths("channels", channels, "channels_multiple", channelsMultiple);
        Limits.within("depth", depth, 1, Limits.MAX_RES_BLOCKS);
        diffusion.requireSampledAs(DiffusionConfig.sr(), "SR");
    }

    public static SrConfig karloV1Alpha() {
        return new SrConfig(320, 3, List.of(1, 2, 3, 4), 0.0, DiffusionConfig.sr());
    }

    public int inChannels() {
        return 6;
    }

    public int outChannels() {
        return 3;
    }
}
