package unclip4j.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/**
 * The Karlo/OpenAI key list with shapes that a config implies, without any data: what a
 * checkpoint for that config must contain (spec §11.4, §11.6). Used to translate diffusers folders
 * (whose keys are derived from these) and to check counts and parameter totals of the full-size model.
 * U-Nets are laid out as guided-diffusion's {@code UNetModel.__init__} builds them.
 */
public final class KarloKeys {
    private KarloKeys() {}

    /** OpenAI CLIP: 446 keys for ViT-L/14 (the JIT file's three 0-dim buffers are not included). */
    public static Map<String, long[]> clip(ClipConfig c) {
        Map<String, long[]> k = new LinkedHashMap<>();
        long w = c.textWidth();
        k.put("positional_embedding", new long[] {c.contextLength(), w});
        k.put("text_projection", new long[] {w, c.embedDim()});
        k.put("logit_scale", new long[] {});
        if (c.visionWidth() > 0) {
            long vw = c.visionWidth(), grid = c.gridSize();
            k.put("visual.class_embedding", new long[] {vw});
            k.put("visual.positional_embedding", new long[] {grid * grid + 1, vw});
            k.put("visual.proj", new long[] {vw, c.embedDim()});
            k.put("visual.conv1.weight", new long[] {vw, 3, c.visionPatchSize(), c.visionPatchSize()});
            layerNorm(k, "visual.ln_pre", vw);
            for (int i = 0; i < c.visionLayers(); i++) clipBlock(k, "visual.transformer.resblocks." + i + ".", vw);
            layerNorm(k, "visual.ln_post", vw);
        }
        for (int i = 0; i < c.textLayers(); i++) clipBlock(k, "transformer.resblocks." + i + ".", w);
        k.put("token_embedding.weight", new long[] {c.vocabSize(), w});
        layerNorm(k, "ln_final", w);
        return k;
    }

    private static void clipBlock(Map<String, long[]> k, String p, long w) {
        k.put(p + "attn.in_proj_weight", new long[] {3 * w, w});
        k.put(p + "attn.in_proj_bias", new long[] {3 * w});
        linear(k, p + "attn.out_proj", w, w);
        layerNorm(k, p + "ln_1", w);
        linear(k, p + "mlp.c_fc", w, 4 * w);
        linear(k, p + "mlp.c_proj", 4 * w, w);
        layerNorm(k, p + "ln_2", w);
    }

    /** The prior under {@code model.}: 256 keys for Karlo v1.0 alpha. */
    public static Map<String, long[]> prior(PriorConfig c) {
        Map<String, long[]> k = new LinkedHashMap<>();
        long w = c.xfWidth(), d = c.clipDim();
        k.put("model.positional_embedding", new long[] {1, c.sequenceLength(), w});
        k.put("model.prd_emb", new long[] {1, 1, w});
        linear(k, "model.time_embed.0", w, w);
        linear(k, "model.time_embed.2", w, w);
        linear(k, "model.text_enc_proj", d, w);
        linear(k, "model.text_emb_proj", d, w);
        linear(k, "model.clip_img_proj", d, w);
        linear(k, "model.out_proj", w, d);
        for (int i = 0; i < c.xfLayers(); i++) {
            String p = "model.transformer.resblocks." + i + ".";
            linear(k, p + "attn.c_qkv", w, 3 * w);
            linear(k, p + "attn.c_proj", w, w);
            layerNorm(k, p + "ln_1", w);
            linear(k, p + "mlp.c_fc", w, 4 * w);
            linear(k, p + "mlp.c_proj", 4 * w, w);
            layerNorm(k, p + "ln_2", w);
        }
        if (c.xfFinalLn()) layerNorm(k, "model.final_ln", w);
        return k;
    }

    /** The decoder (PLMImUNet) under {@code model.}: 595 keys for Karlo v1.0 alpha. */
    public static Map<String, long[]> decoder(UNetConfig c) {
        Map<String, long[]> k = new LinkedHashMap<>();
        long e = c.embChannels(), d = c.clipDim(), xf = c.xfWidth();
        k.put("model.cf_param", new long[] {d}); // the learned null embedding: UNetConfig requires clip_emb_drop > 0
        unet(k, "model.", c.inChannels(), c.outChannels(), c.modelChannels(), c.numResBlocks(), c.channelMult(), c.attentionDs(),
                true, c.useScaleShiftNorm(), xf);
        linear(k, "model.clip_emb", d, e);
        linear(k, "model.text_seq_proj.0", d, xf);
        layerNorm(k, "model.text_seq_proj.1", xf);
        linear(k, "model.text_feat_proj", d, e);
        linear(k, "model.clip_tok_proj", d, xf * c.clipEmbMult());
        return k;
    }

    /** Both SR networks: 816 keys (2 × 408) for Karlo v1.0 alpha. */
    public static Map<String, long[]> sr(SrConfig c) {
        Map<String, long[]> k = new LinkedHashMap<>();
        for (String prefix : List.of("model_first_steps.", "model_last_step.")) {
            unet(k, prefix, c.inChannels(), c.outChannels(), c.channels(), c.depth(), c.channelsMultiple(), List.of(), false, false, 0);
        }
        return k;
    }

    private static void unet(Map<String, long[]> k, String p, int in, int out, int mc, int numRes, List<Integer> mult,
                             List<Integer> attentionDs, boolean middleAttention, boolean film, long xf) {
        long e = 4L * mc;
        linear(k, p + "time_embed.0", mc, e);
        linear(k, p + "time_embed.2", e, e);
        long ch = (long) mult.get(0) * mc, inputCh = ch;
        conv(k, p + "input_blocks.0.0", in, ch, 3);
        long[] skips = new long[mult.size() * (numRes + 1) + 1];
        int nSkips = 0, block = 1, ds = 1;
        skips[nSkips++] = ch;
        for (int level = 0; level < mult.size(); level++) {
            for (int r = 0; r < numRes; r++) {
                long o = (long) mult.get(level) * mc;
                resBlock(k, p + "input_blocks." + block + ".0", ch, o, e, film);
                ch = o;
                if (attentionDs.contains(ds)) attention(k, p + "input_blocks." + block + ".1", ch, xf);
                skips[nSkips++] = ch;
                block++;
            }
            if (level != mult.size() - 1) {
                resBlock(k, p + "input_blocks." + block + ".0", ch, ch, e, film);
                skips[nSkips++] = ch;
                block++;
                ds *= 2;
            }
        }
        resBlock(k, p + "middle_block.0", ch, ch, e, film);
        if (middleAttention) attention(k, p + "middle_block.1", ch, xf);
        resBlock(k, p + "middle_block." + (middleAttention ? 2 : 1), ch, ch, e, film);
        block = 0;
        for (int level = mult.size() - 1; level >= 0; level--) {
            for (int r = 0; r <= numRes; r++) {
                long o = (long) mult.get(level) * mc;
                resBlock(k, p + "output_blocks." + block + ".0", ch + skips[--nSkips], o, e, film);
                ch = o;
                int sub = 1;
                if (attentionDs.contains(ds)) attention(k, p + "output_blocks." + block + "." + sub++, ch, xf);
                if (level > 0 && r == numRes) {
                    resBlock(k, p + "output_blocks." + block + "." + sub, ch, ch, e, film);
                    ds /= 2;
                }
                block++;
            }
        }
        layerNorm(k, p + "out.0", ch);
        conv(k, p + "out.2", inputCh, out, 3);
    }

    private static void resBlock(Map<String, long[]> k, String p, long a, long b, long e, boolean film) {
        layerNorm(k, p + ".in_layers.0", a);
        conv(k, p + ".in_layers.2", a, b, 3);
        linear(k, p + ".emb_layers.1", e, film ? 2 * b : b);
        layerNorm(k, p + ".out_layers.0", b);
        conv(k, p + ".out_layers.3", b, b, 3);
        if (a != b) conv(k, p + ".skip_connection", a, b, 1);
    }

    private static void attention(Map<String, long[]> k, String p, long c, long xf) {
        layerNorm(k, p + ".norm", c);
        conv1d(k, p + ".qkv", c, 3 * c);
        conv1d(k, p + ".encoder_kv", xf, 2 * c);
        conv1d(k, p + ".proj_out", c, c);
    }

    private static void linear(Map<String, long[]> k, String p, long in, long out) {
        k.put(p + ".weight", new long[] {out, in});
        k.put(p + ".bias", new long[] {out});
    }

    private static void conv(Map<String, long[]> k, String p, long in, long out, long size) {
        k.put(p + ".weight", new long[] {out, in, size, size});
        k.put(p + ".bias", new long[] {out});
    }

    private static void conv1d(Map<String, long[]> k, String p, long in, long out) {
        k.put(p + ".weight", new long[] {out, in, 1});
        k.put(p + ".bias", new long[] {out});
    }

    /** LayerNorm and GroupNorm have the same two [C] keys. */
    private static void layerNorm(Map<String, long[]> k, String p, long c) {
        k.put(p + ".weight", new long[] {c});
        k.put(p + ".bias", new long[] {c});
    }
}
