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

    /** Far above Karlo's (77 tokens, width 2048, 20 layers): a config beyond these is hostile or broken, not large. */
    private static final int MAX_TOKENS = 4096, MAX_WIDTH = 65536, MAX_LAYERS = 1024;

    public PriorConfig {
        check("text_ctx", textCtx, MAX_TOKENS);
        check("xf_width", xfWidth, MAX_WIDTH);
        check("xf_layers", xfLayers, MAX_LAYERS);
        check("xf_heads", xfHeads, xfWidth);
        check("clip_dim", clipDim, MAX_WIDTH);
        if (xfWidth % xfHeads != 0) throw new IllegalArgumentException("xf_width " + xfWidth + " is not a multiple of xf_heads " + xfHeads);
    }

    private static void check(String key, int value, int max) {
        if (value < 1 || value > max) throw new IllegalArgumentException(key + " is " + value + ", outside 1.." + max);
    }

    public static PriorConfig karloV1Alpha() {
        return new PriorConfig(77, 2048, 20, 32, true, 768, 0.2, DiffusionConfig.prior());
    }

    /** Sequence length: text tokens + text embedding + time + x_t + prd token. */
    public int sequenceLength() {
        return textCtx + 4;
    }
}
