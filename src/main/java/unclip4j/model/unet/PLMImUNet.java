package unclip4j.model.unet;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.model.MaskCache;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Linear;
import unclip4j.nn.Params;
import unclip4j.tensor.Tensor;

/**
 * Karlo's 64 px decoder: karlo/modules/unet.py {@code PLMImUNet} (a {@link UNetModel} conditioned on the
 * CLIP image embedding and the CLIP text encoder's outputs), spec §6.1–6.2, fixtures convention 7.
 * <pre>
 * emb  = time_embed(emb_t(t)) + clip_emb(y) + text_feat_proj(txt_feat)                       (N, 4·C)
 * ctx  = [clip_tok_proj(y) as (xf_width, clip_emb_mult), token index fastest ‖ LN(Linear(txt_feat_seq))ᵀ]
 *                                                                                              (N, xf_width, mult + L)
 * mask = [0 × clip_emb_mult ‖ (mask ? 0 : -inf)]                                               (N, mult + L)
 * </pre>
 * The image-embedding width is {@code clip_dim}; the decoder takes the unprojected text sequence, so it
 * must equal the CLIP text width (768 for ViT-L/14).
 */
public final class PLMImUNet {
    /** RGB in; ε (3) and, with learn_sigma, the variance interpolation v (3) out. */
    private static final int IMAGE_CHANNELS = 3;

    private final Backend backend;
    private final int clipEmbMult;
    private final UNetModel unet;        // time_embed, input_blocks, middle_block, output_blocks, out
    private final Linear clipEmb;        // clip_emb: clip_dim → 4·C (a UNetModel field in Karlo, created because clip_dim is set)
    private final Linear textFeatProj;   // text_feat_proj: clip_dim → 4·C
    private final Linear textSeqProj;    // text_seq_proj.0: clip_dim → xf_width
    private final LayerNorm textSeqNorm; // text_seq_proj.1 (float32 LayerNorm, eps 1e-5)
    private final Linear clipTokProj;    // clip_tok_proj: clip_dim → xf_width·clip_emb_mult
    private final Tensor cfParam;        // cf_param (clip_dim): the learned "no image" embedding; null if clip_emb_drop == 0
    private final MaskCache additiveMasks = new MaskCache(); // built through the host once per mask, not once per step

    /**
     * @param w                 the decoder's weights (prefix {@code model.} in the .ckpt)
     * @param modelChannels     num_channels
     * @param channelMult       channel_mult (Karlo's '' means (1, 2, 3, 4) at 64 px; resolved by the caller)
     * @param numResBlocks      num_res_blocks
     * @param attentionDs       downsample factors image_size / r for r in attention_resolutions
     * @param numHeadChannels   num_head_channels
     * @param xfWidth           xf_width: context width (encoder_channels of every attention block)
     * @param clipDim           clip_dim
     * @param clipEmbMult       clip_emb_mult: context tokens made from the image embedding
     * @param useScaleShiftNorm use_scale_shift_norm
     * @param learnSigma        learn_sigma: 6 output channels instead of 3
     * @param clipEmbDrop       clip_emb_drop: if positive the checkpoint holds {@code cf_param}
     */
    public PLMImUNet(Backend backend, Weights w, int modelChannels, int[] channelMult, int numResBlocks,
                     Set<Integer> attentionDs, int numHeadChannels, int xfWidth, int clipDim, int clipEmbMult,
                     boolean useScaleShiftNorm, boolean learnSigma, double clipEmbDrop) {
        this.backend = backend;
        this.clipEmbMult = clipEmbMult;
        this.unet = new UNetModel(backend, w, IMAGE_CHANNELS, modelChannels, learnSigma ? 2 * IMAGE_CHANNELS : IMAGE_CHANNELS,
                numResBlocks, channelMult, attentionDs, numHeadChannels, xfWidth, useScaleShiftNorm, true);
        int embDim = 4 * modelChannels;
        this.clipEmb = new Linear(backend, w.at("clip_emb"), clipDim, embDim);
        this.textFeatProj = new Linear(backend, w.at("text_feat_proj"), clipDim, embDim);
        this.textSeqProj = new Linear(backend, w.at("text_seq_proj.0"), clipDim, xfWidth);
        this.textSeqNorm = new LayerNorm(backend, w.at("text_seq_proj.1"), xfWidth);
        this.clipTokProj = new Linear(backend, w.at("clip_tok_proj"), clipDim, xfWidth * clipEmbMult);
        this.cfParam = clipEmbDrop > 0 ? Params.loadActivation(backend, w, "cf_param", clipDim) : null;
    }

    /** clip_emb_mult: how many encoder tokens the image embedding makes (they come before the text's). */
    public int clipEmbMult() {
        return clipEmbMult;
    }

    /** Names of the image embedding's encoder tokens, for attention maps: "image 0", "image 1", ... */
    public List<String> imageTokenNames() {
        return IntStream.range(0, clipEmbMult).mapToObj(j -> "image " + j).toList();
    }

    /** {@code cf_param} {@code (clip_dim)}: the image embedding of the unconditional rows under guidance; null if absent. */
    public Tensor cfParam() {
        return cfParam;
    }

    /**
     * One forward ({@code PLMImUNet.forward}).
     *
     * @param xT         {@code (N, 3, H, W)} noised image
     * @param timesteps  {@code (N)} original timesteps (I64, I32 or F32)
     * @param y          {@code (N, clip_dim)} image embedding (or {@link #cfParam()} for unconditional rows)
     * @param txtFeat    {@code (N, clip_dim)} projected CLIP text feature
     * @param txtFeatSeq {@code (N, L, clip_dim)} CLIP ln_final output of every position
     * @param mask       {@code (N, L)} token mask, nonzero = real token (U8, BOOL or any numeric type)
     * @param probe      shown every attention block, or null: its encoder tokens are the {@link #clipEmbMult()}
     *                   image tokens, then the L text tokens
     * @return {@code (N, 6, H, W)}: ε̂ then v with learn_sigma, else {@code (N, 3, H, W)}
     */
    public Tensor forward(Tensor xT, Tensor timesteps, Tensor y, Tensor txtFeat, Tensor txtFeatSeq, Tensor mask, AttentionProbe probe) {
        long n = xT.size(0);
        Tensor emb = backend.add(backend.add(unet.timeEmbed(timesteps), clipEmb.forward(y)), textFeatProj.forward(txtFeat));
        Tensor text = textSeqNorm.forward(textSeqProj.forward(txtFeatSeq)).permute(0, 2, 1);  // (N, xf_width, L)
        Tensor clipTokens = clipTokProj.forward(y).reshape(n, -1, clipEmbMult);             // (N, xf_width, mult): c·mult + j
        Tensor encoderOut = backend.concat(2, clipTokens, text);                            // (N, xf_width, mult + L)
        return unet.forward(xT, emb, encoderOut, additiveMasks.get(mask, 0, () -> additiveMask(mask)), probe);
    }

    /** F.pad(mask, (clip_emb_mult, 0), True) then 0 / -inf: {@code (N, L)} → {@code (N, mult + L)} F32. */
    private Tensor additiveMask(Tensor mask) {
        Tensor m = backend.download(mask);
        int n = m.dim(0), len = m.dim(1), width = clipEmbMult + len;
        float[] out = new float[n * width];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < len; i++) {
                out[b * width + clipEmbMult + i] = m.getDouble(b, i) != 0 ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return backend.upload(Tensor.of(out, n, width));
    }
}
