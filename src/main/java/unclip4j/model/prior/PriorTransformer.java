package unclip4j.model.prior;

import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.model.MaskCache;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Linear;
import unclip4j.nn.Params;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * Karlo {@code karlo/modules/xf.py PriorTransformer} (spec §5), forward only: a causal transformer over
 * 81 tokens {@code [text_enc (ctx) | text_emb | t_emb | x_t | prd]} whose last token predicts x̂0 of the
 * normalised CLIP image embedding. Keys are those of the prior checkpoint with {@code model.} stripped.
 */
public final class PriorTransformer {
    /** The tokens appended after the text: text_emb, t_emb, x_t, prd; the last is the one whose output is read. Names for attention maps. */
    public static final List<String> EXTRA_TOKENS = List.of("text embedding", "timestep", "x_t", "query");
    /** Karlo's {@code ext_len}. */
    static final int EXT_LEN = EXTRA_TOKENS.size();

    private final Backend backend;
    private final Linear timeEmbed0;          // time_embed.0 (time_embed.1 is SiLU)
    private final Linear timeEmbed2;          // time_embed.2
    private final Linear textEncProj;         // text_enc_proj: clip_dim → W, per text position
    private final Linear textEmbProj;         // text_emb_proj
    private final Linear clipImgProj;         // clip_img_proj
    private final Tensor prdEmb;              // prd_emb [1, 1, W]
    private final Tensor positionalEmbedding; // positional_embedding [1, ctx + 4, W]
    private final ResidualAttentionBlock[] resblocks; // transformer.resblocks.{i}
    private final LayerNorm finalLn;          // final_ln; null when xf_final_ln is false
    private final Linear outProj;             // out_proj: W → clip_dim
    private final int textCtx;
    private final int width;
    /** The additive key mask of the last mask seen: built on the host (a few hundred flags) once per mask, not once per step. */
    private final MaskCache keyMasks = new MaskCache();

    public PriorTransformer(Backend backend, Weights w, int textCtx, int width, int layers, int heads, int clipDim,
            boolean finalLn) {
        this.backend = backend;
        this.timeEmbed0 = new Linear(backend, w.at("time_embed.0"), width, width);
        this.timeEmbed2 = new Linear(backend, w.at("time_embed.2"), width, width);
        this.textEncProj = new Linear(backend, w.at("text_enc_proj"), clipDim, width);
        this.textEmbProj = new Linear(backend, w.at("text_emb_proj"), clipDim, width);
        this.clipImgProj = new Linear(backend, w.at("clip_img_proj"), clipDim, width);
        this.prdEmb = Params.loadActivation(backend, w, "prd_emb", 1, 1, width);
        this.positionalEmbedding = Params.loadActivation(backend, w, "positional_embedding", 1, textCtx + EXT_LEN, width);
        this.resblocks = new ResidualAttentionBlock[layers];
        for (int i = 0; i < layers; i++) {
            resblocks[i] = new ResidualAttentionBlock(backend, w.at("transformer.resblocks." + i), width, heads);
        }
        this.finalLn = finalLn ? new LayerNorm(backend, w.at("final_ln"), width) : null;
        this.outProj = new Linear(backend, w.at("out_proj"), width, clipDim);
        this.textCtx = textCtx;
        this.width = width;
    }

    /**
     * One denoising prediction.
     *
     * @param xT        {@code [B, clip_dim]} noisy normalised image embedding
     * @param timesteps {@code [B]} original timesteps 0..999 (I64 or I32, host)
     * @param textEmb   {@code [B, clip_dim]} CLIP txt_feat
     * @param textEnc   {@code [B, ctx, clip_dim]} CLIP txt_feat_seq
     * @param mask      {@code [B, ctx]} U8 or BOOL, nonzero for real tokens (SOT..EOT), on the host or the device
     * @param probe     shown every layer's read token, or null
     * @return {@code [B, clip_dim]} the x̂0 prediction, still normalised
     */
    public Tensor forward(Tensor xT, Tensor timesteps, Tensor textEmb, Tensor textEnc, Tensor mask, AttentionProbe probe) {
        long b = xT.size(0);
        Tensor tEmb = timeEmbed2.forward(backend.silu(timeEmbed0.forward(backend.timestepEmbedding(backend.upload(timesteps), width))));
        Tensor h = backend.concat(1,
                textEncProj.forward(textEnc),                  // positions 0 .. ctx-1
                textEmbProj.forward(textEmb).unsqueeze(1),     // ctx
                tEmb.unsqueeze(1),                             // ctx + 1
                clipImgProj.forward(xT).unsqueeze(1),          // ctx + 2
                prdEmb.expand(b, 1, width));                   // ctx + 3: the learned query whose output is read
        h = backend.add(h, positionalEmbedding);
        Tensor keyMask = keyMasks.get(mask, 0, () -> backend.upload(keyMask(backend.download(mask))));
        for (ResidualAttentionBlock block : resblocks) {
            try (TensorScope scope = TensorScope.open()) { // the block's intermediates are freed as it returns
                h = scope.keep(block.forward(h, keyMask, probe));
            }
        }
        Tensor last = h.select(1, textCtx + EXT_LEN - 1); // LayerNorm is per token: only the read token needs final_ln
        if (finalLn != null) last = finalLn.forward(last);
        return outProj.forward(backend.contiguous(last));
    }

    /** text_ctx: the caption tokens before the {@link #EXTRA_TOKENS}. */
    public int textCtx() {
        return textCtx;
    }

    /** F.pad(mask, (0, 4), True) as additive 0 / -inf per key {@code [B, ctx + 4]}: the 4 extra tokens are always visible. */
    private Tensor keyMask(Tensor mask) {
        if (mask.rank() != 2 || mask.size(1) != textCtx) throw new IllegalArgumentException("mask must be [B, " + textCtx + "], got " + mask);
        long b = mask.size(0), t = textCtx + EXT_LEN;
        Tensor m = Tensor.zeros(DType.F32, b, t);
        for (long i = 0; i < b; i++) {
            for (long j = 0; j < textCtx; j++) {
                if (mask.getLong(i, j) == 0) m.setDouble(Double.NEGATIVE_INFINITY, i, j);
            }
        }
        return m;
    }
}
