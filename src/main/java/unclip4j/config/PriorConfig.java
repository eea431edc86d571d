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

    public static PriorConfig karloV1Alpha() {
        return new PriorConfig(77, 2048, 20, 32, true, 768, 0.2, DiffusionConfig.prior());
    }

    /** Sequence length: text tokens + text embedding + time + x_t + prd token. */
    public int sequenceLength() {
        return textCtx + 4;
    }
}
