package unclip4j.config;

import java.util.List;

/**
 * Karlo's decoder U-Net (configs/decoder_900M_vit_l.yaml {@code model.hparams}, create_plm_dec_model),
 * with the YAML strings already resolved: {@code channel_mult ''} is the image-size default and
 * {@code attention_resolutions} (pixel sizes) are downsample factors {@code image_size / r}.
 */
public record UNetConfig(
        int imageSize,              // image_size
        int modelChannels,          // num_channels
        int numResBlocks,           // num_res_blocks
        List<Integer> channelMult,  // channel_mult
        List<Integer> attentionDs,  // attention_resolutions as downsample rates, ascending
        int numHeads,               // num_heads (used when num_head_channels is -1)
        int numHeadChannels,        // num_head_channels
        boolean useScaleShiftNorm,  // use_scale_shift_norm
        boolean resblockUpdown,     // resblock_updown
        boolean learnSigma,         // learn_sigma: 6 output channels
        int clipDim,                // clip_dim
        int clipEmbMult,            // clip_emb_mult: extra context tokens from the image embedding
        int xfWidth,                // xf_width: context width
        int textCtx,                // text_ctx
        double clipEmbDrop,         // clip_emb_drop: > 0 creates cf_param
        double dropout,             // dropout (inference: none)
        DiffusionConfig diffusion) {

    public UNetConfig {
        channelMult = List.copyOf(channelMult);
        attentionDs = List.copyOf(attentionDs);
    }

    public static UNetConfig karloV1Alpha() {
        return new UNetConfig(64, 320, 3, List.of(1, 2, 3, 4), List.of(2, 4, 8), -1, 64, true, true, true,
                768, 4, 1536, 77, 0.1, 0.1, DiffusionConfig.decoder());
    }

    public int inChannels() {
        return 3;
    }

    public int outChannels() {
        return learnSigma ? 6 : 3;
    }

    /** Time-embedding width: 4 × model channels. */
    public int embChannels() {
        return 4 * modelChannels;
    }

    public boolean hasCfParam() {
        return clipEmbDrop > 0;
    }

    /** Attention heads for a block of ch channels: ch / num_head_channels, else num_heads. */
    public int headsFor(int ch) {
        return numHeadChannels == -1 ? numHeads : ch / numHeadChannels;
    }

    /** guided-diffusion's defaults for {@code channel_mult: ''}. */
    public static List<Integer> defaultChannelMult(int imageSize) {
        return switch (imageSize) {
            case 256 -> List.of(1, 1, 2, 2, 4, 4);
            case 128 -> List.of(1, 1, 2, 3, 4);
            case 64 -> List.of(1, 2, 3, 4);
            default -> throw new IllegalArgumentException("channel_mult '' has no default for image_size " + imageSize);
        };
    }
}
