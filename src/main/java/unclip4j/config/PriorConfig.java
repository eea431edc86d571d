package unclip4j.config;

/** Karlo's prior (configs/prior_1B_vit_l.yaml {@code model.hparams}) and its diffusion. */
public record PriorConfig(
        int textCtx,        // text_ctx: 77 text tokens (+ 4 more: text embedding, time, x_t, prd)
        int xfWidth,        // xf_width
        int xfLayers,       // xf_layers
        int xfHeads,        // xf_heads
        boolean xfFinalLn,  // xf_final_ln
        int clipDim,        // clip_dim
        double textDrop,    // text_drop (training only)
        DiffusionConfig diffusion) {

    public PriorConfig {
        Limits.within("text_ctx", textCtx, 1, Limits.MAX_TOKENS);
        Limits.within("xf_width", xfWidth, 1, Limits.MAX_WIDTH);
        Limits.within("xf_layers", xfLayers, 1, Limits.MAX_LAYERS);
        Limits.within("xf_heads", xfHeads, 1, xfWidth);
        Limits.within("clip_dim", clipDim, 1, Limits.MAX_WIDTH);
        if (xfWidth % xfHeads != 0) throw new InvalidSetting("xf_width", xfWidth + " is not a multiple of xf_heads " + xfHeads);
        diffusion.requireSampledAs(DiffusionConfig.prior(), "prior");
    }

    public static PriorConfig karloV1Alpha() {
        return new PriorConfig(77, 2048, 20, 32, true, 768, 0.2, DiffusionConfig.prior());
    }

    /** Sequence length: text tokens + text embedding + time + x_t + prd token. */
    public int sequenceLength() {
        return textCtx + 4;
    }
}
