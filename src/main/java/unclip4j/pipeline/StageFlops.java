package unclip4j.pipeline;

import java.util.List;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/**
 * Floating-point operations of one forward pass per batch row, derived from a config the way spec
 * §13 counts them: 2 per multiply-add of every matmul and convolution (including the attention
 * products QKᵀ and AV), nothing for norms, activations and element-wise adds. Convolutions of a
 * down-sampling ResBlock run at the lower resolution, of an up-sampling one at the higher.
 */
public final class StageFlops {
    private StageFlops() {}

    /** CLIP text encoder on one row of context_length tokens, plus the projection of the EOT row. */
    public static double clipText(ClipConfig c) {
        double n = c.contextLength(), w = c.textWidth();
        return c.textLayers() * transformerLayer(n, w) + 2 * w * c.embedDim();
    }

    /** The prior transformer on one row of text_ctx + 4 tokens; out_proj reads only the prd token. */
    public static double prior(PriorConfig c) {
        double w = c.xfWidth(), d = c.clipDim(), n = c.sequenceLength();
        double projections = 2 * c.textCtx() * d * w    // text_enc_proj
                + 2 * 2 * d * w                           // text_emb_proj, clip_img_proj
                + 2 * 2 * w * w                           // time_embed.0, time_embed.2
                + 2 * w * d;                              // out_proj
        return c.xfLayers() * transformerLayer(n, w) + projections;
    }

    /** The decoder U-Net at image_size², with its 4 image-embedding tokens + text_ctx context tokens. */
    public static double decoder(UNetConfig c) {
        double d = c.clipDim(), e = c.embChannels(), xf = c.xfWidth();
        double conditioning = 2 * 2 * d * e                 // clip_emb, text_feat_proj
                + 2 * c.textCtx() * d * xf                  // text_seq_proj.0
                + 2 * d * xf * c.clipEmbMult();             // clip_tok_proj
        UNet u = new UNet(c.modelChannels(), c.numResBlocks(), c.channelMult(), c.attentionDs(), true, c.useScaleShiftNorm(),
                xf, c.textCtx() + c.clipEmbMult());
        return conditioning + u.flops(c.inChannels(), c.outChannels(), c.imageSize());
    }

    /** One super-resolution network at outputSize² (256 for Karlo: 64 px × 4). */
    public static double sr(SrConfig c, int outputSize) {
        UNet u = new UNet(c.channels(), c.depth(), c.channelsMultiple(), List.of(), false, false, 0, 0);
        return u.flops(c.inChannels(), c.outChannels(), outputSize);
    }

    /** Pre-LN transformer layer, n tokens of width w, MLP 4w: q/k/v/out 4w², MLP 8w², attention QKᵀ and AV. */
    private static double transformerLayer(double n, double w) {
        return 2 * n * 12 * w * w + 2 * 2 * n * n * w;
    }

    /** guided-diffusion's UNetModel, walked in the same order as {@code KarloKeys}' key layout. */
    private record UNet(int mc, int numRes, List<Integer> mult, List<Integer> attentionDs, boolean middleAttention,
                        boolean film, double ctxWidth, double ctxTokens) {

        double flops(int in, int out, int size) {
            double e = 4.0 * mc;
            double total = 2 * (mc * e + e * e); // time_embed
            int ch = mult.get(0) * mc, res = size, ds = 1, nSkips = 0;
            int[] skips = new int[mult.size() * (numRes + 1) + 1];
            total += conv(res, in, ch, 3);
            skips[nSkips++] = ch;
            for (int level = 0; level < mult.size(); level++) {
                for (int r = 0; r < numRes; r++) {
                    int o = mult.get(level) * mc;
                    total += resBlock(ch, o, res);
                    ch = o;
                    if (attentionDs.contains(ds)) total += attention(ch, res);
                    skips[nSkips++] = ch;
                }
                if (level != mult.size() - 1) {
                    res /= 2;
                    ds *= 2;
                    total += resBlock(ch, ch, res);
                    skips[nSkips++] = ch;
                }
            }
            total += 2 * resBlock(ch, ch, res);
            if (middleAttention) total += attention(ch, res);
            for (int level = mult.size() - 1; level >= 0; level--) {
                for (int r = 0; r <= numRes; r++) {
                    int o = mult.get(level) * mc;
                    total += resBlock(ch + skips[--nSkips], o, res);
                    ch = o;
                    if (attentionDs.contains(ds)) total += attention(ch, res);
                    if (level > 0 && r == numRes) {
                        res *= 2;
                        ds /= 2;
                        total += resBlock(ch, ch, res);
                    }
                }
            }
            return total + conv(res, mult.get(0) * mc, out, 3);
        }

        /** Both 3×3 convs at res (the resolution after any resampling), the emb projection, a 1×1 skip when widths differ. */
        private double resBlock(int a, int b, int res) {
            double emb = 2 * 4.0 * mc * (film ? 2 * b : b);
            return conv(res, a, b, 3) + conv(res, b, b, 3) + emb + (a != b ? conv(res, a, b, 1) : 0);
        }

        /** qkv, encoder_kv over the context tokens, QKᵀ and AV over context + pixels, proj_out. */
        private double attention(int c, int res) {
            double t = (double) res * res, s = t + ctxTokens;
            return 2 * t * c * 3 * c + 2 * ctxTokens * ctxWidth * 2 * c + 2 * 2 * t * s * c + 2 * t * c * c;
        }

        private static double conv(int res, double in, double out, int k) {
            return 2.0 * res * res * in * out * k * k;
        }
    }
}
