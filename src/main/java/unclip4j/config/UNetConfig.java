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
        int numHeads,               // num_heads (unused: heads come from num_head_channels)
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
        Limits.within("image_size", imageSize, 1, Limits.MAX_IMAGE_SIZE);
        Limits.levelWidths("num_channels", modelChannels, "channel_mult", channelMult);
        Limits.within("num_res_blocks", numResBlocks, 1, Limits.MAX_RES_BLOCKS);
        int halvings = channelMult.size() - 1;
        if (imageSize % (1 << halvings) != 0) {
            throw new InvalidSetting("image_size", "is " + imageSize + ", which the " + channelMult.size() + " levels of channel_mult cannot halve "
                    + halvings + " times");
        }
        // Karlo sets num_head_channels (64); guided-diffusion's alternative, num_heads with num_head_channels -1, is not built
        Limits.within("num_head_channels", numHeadChannels, 1, Limits.MAX_LEVEL_WIDTH);
        for (int level = 0; level < channelMult.size(); level++) {
            boolean attends = attentionDs.contains(1 << level) || level == halvings; // the middle block attends at the lowest level
            int width = modelChannels * channelMult.get(level);
            if (attends && width % numHeadChannels != 0) {
                throw new InvalidSetting("num_head_channels", numHeadChannels + " does not divide the attention width " + width
                        + " (num_channels × channel_mult at level " + level + ")");
            }
        }
        Limits.within("clip_dim", clipDim, 1, Limits.MAX_WIDTH);
        Limits.within("clip_emb_mult", clipEmbMult, 1, Limits.MAX_CLIP_TOKENS);
        Limits.within("xf_width", xfWidth, 1, Limits.MAX_WIDTH);
        Limits.within("text_ctx", textCtx, 1, Limits.MAX_TOKENS);
        if (!learnSigma) throw new InvalidSetting("learn_sigma", "is false, but the decoder's sampler reads the learned variance from 6 output channels");
        if (!resblockUpdown) throw new InvalidSetting("resblock_updown", "is false, but only Karlo's resampling res blocks (true) are built");
        if (!(clipEmbDrop > 0)) {
            throw new InvalidSetting("clip_emb_drop", "is " + clipEmbDrop + ", but classifier-free guidance needs the cf_param that a positive one creates");
        }
        diffusion.requireSampledAs(DiffusionConfig.decoder(), "decoder");
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

    /** guided-diffusion's defaults for {@code channel_mult: ''}. */
    public static List<Integer> defaultChannelMult(int imageSize) {
        return switch (imageSize) {
            case 256 -> List.of(1, 1, 2, 2, 4, 4);
            case 128 -> List.of(1, 1, 2, 3, 4);
            case 64 -> List.of(1, 2, 3, 4);
            default -> throw new InvalidSetting("channel_mult", "is '', which has no default for image_size " + imageSize + " (only 64, 128, 256)");
        };
    }
}
