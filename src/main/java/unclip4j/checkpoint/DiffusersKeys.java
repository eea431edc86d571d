package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * Explicit key tables between Karlo/OpenAI names and the diffusers layout of
 * {@code kakaobrain/karlo-v1-alpha} (spec §11.5, §11.6; diffusers'
 * {@code convert_kakao_brain_unclip_to_diffusers.py} and transformers'
 * {@code convert_clip_original_pytorch_to_hf.py}), one table per component. A table maps each
 * Karlo key to its diffusers key(s), written {@code folder/key}, and how the values change:
 * <ul>
 *   <li>{@link Op#SAME}: renamed only;</li>
 *   <li>{@link Op#CONV1D_AS_LINEAR}: Karlo's 1×1 Conv1d {@code [o,i,1]} is a Linear {@code [o,i]};</li>
 *   <li>{@link Op#SPLIT}: one fused projection becomes q/k/v (or k/v): rows taken in chunks of
 *       {@code chunk} are dealt round-robin to the parts (head-interleaved for the prior and the
 *       U-Net, chunk = head dim; CLIP's {@code in_proj} is {@code chunk(3)}, i.e. chunk = width);</li>
 *   <li>{@link Op#TRANSPOSE}: CLIP's {@code text_projection}/{@code visual.proj} are stored (in, out).</li>
 * </ul>
 * Model code only ever sees Karlo names; this class is the one place that knows the others.
 */
public final class DiffusersKeys {
    public enum Op { SAME, CONV1D_AS_LINEAR, SPLIT, TRANSPOSE }

    /** One Karlo tensor and the diffusers tensor(s) it corresponds to. */
    public record Rule(String karlo, List<String> diffusers, Op op, int chunk) {}

    /** diffusers keys that carry no weights (HF CLIP's position ids). */
    static boolean ignorable(String diffusersKey) {
        return diffusersKey.endsWith("embeddings.position_ids");
    }

    private DiffusersKeys() {}

    // ------------------------------------------------------------------ tables

    /** Prior (Karlo prefix {@code model.}) → {@code prior/}; chunk = head dim. clip_mean/clip_std are the stats, not here. */
    public static List<Rule> prior(Collection<String> karloKeys, int headDim) {
        List<Rule> rules = new ArrayList<>();
        for (String key : karloKeys) {
            String k = strip(key, "model.");
            String[] s = k.split("\\.");
            String d;
            if (k.startsWith("transformer.resblocks.")) {
                String layer = "transformer_blocks." + s[2] + ".";
                String rest = k.substring(("transformer.resblocks." + s[2] + ".").length());
                if (rest.startsWith("attn.c_qkv.")) {
                    String wb = last(rest);
                    rules.add(split(key, headDim, "prior/" + layer + "attn1.to_q." + wb, "prior/" + layer + "attn1.to_k." + wb, "prior/" + layer + "attn1.to_v." + wb));
                    continue;
                }
                d = layer + replacePrefix(rest, Map.of("attn.c_proj", "attn1.to_out.0", "ln_1", "norm1", "ln_2", "norm3",
                        "mlp.c_fc", "ff.net.0.proj", "mlp.c_proj", "ff.net.2"));
            } else {
                d = replacePrefix(k, Map.of("time_embed.0", "time_embedding.linear_1", "time_embed.2", "time_embedding.linear_2",
                        "clip_img_proj", "proj_in", "text_emb_proj", "embedding_proj", "text_enc_proj", "encoder_hidden_states_proj",
                        "positional_embedding", "positional_embedding", "prd_emb", "prd_embedding", "final_ln", "norm_out",
                        "out_proj", "proj_to_clip_embeddings"));
            }
            rules.add(new Rule(key, List.of("prior/" + d), Op.SAME, 0));
        }
        return rules;
    }

    /** Decoder (Karlo prefix {@code model.}) → {@code decoder/} (the UNet) and {@code text_proj/} (the conditioning). */
    public static List<Rule> decoder(Collection<String> karloKeys, int numResBlocks, int headDim) {
        Map<String, String> textProj = Map.of("text_seq_proj.0", "encoder_hidden_states_proj", "text_seq_proj.1", "text_encoder_hidden_states_norm",
                "clip_tok_proj", "clip_extra_context_tokens_proj", "text_feat_proj", "embedding_proj",
                "cf_param", "learned_classifier_free_guidance_embeddings", "clip_emb", "clip_image_embeddings_project_to_time_embeddings");
        List<Rule> rules = new ArrayList<>();
        for (String key : karloKeys) {
            String k = strip(key, "model.");
            String t = replacePrefix(k, textProj);
            if (!t.equals(k)) {
                rules.add(new Rule(key, List.of("text_proj/" + t), Op.SAME, 0));
            } else {
                rules.add(unet(key, k, "decoder/", numResBlocks, headDim));
            }
        }
        return rules;
    }

    /** SR: {@code model_first_steps.} → {@code super_res_first/}, {@code model_last_step.} → {@code super_res_last/}. */
    public static List<Rule> sr(Collection<String> karloKeys, int numResBlocks) {
        List<Rule> rules = new ArrayList<>();
        for (String key : karloKeys) {
            if (key.startsWith("model_first_steps.")) rules.add(unet(key, strip(key, "model_first_steps."), "super_res_first/", numResBlocks, 0));
            else rules.add(unet(key, strip(key, "model_last_step."), "super_res_last/", numResBlocks, 0));
        }
        return rules;
    }

    /**
     * OpenAI CLIP → HF {@code text_encoder/} ({@code CLIPTextModelWithProjection}) and
     * {@code image_encoder/} ({@code CLIPVisionModelWithProjection}). {@code logit_scale} and the
     * JIT file's 0-dim buffers have no counterpart there and are left out.
     */
    public static List<Rule> clip(Collection<String> karloKeys, int textWidth, int visionWidth) {
        List<Rule> rules = new ArrayList<>();
        for (String key : karloKeys) {
            String te = "text_encoder/", ie = "image_encoder/";
            switch (key) {
                case "logit_scale", "input_resolution", "context_length", "vocab_size" -> { }
                case "positional_embedding" -> rules.add(same(key, te + "text_model.embeddings.position_embedding.weight"));
                case "token_embedding.weight" -> rules.add(same(key, te + "text_model.embeddings.token_embedding.weight"));
                case "text_projection" -> rules.add(new Rule(key, List.of(te + "text_projection.weight"), Op.TRANSPOSE, 0));
                case "visual.conv1.weight" -> rules.add(same(key, ie + "vision_model.embeddings.patch_embedding.weight"));
                case "visual.class_embedding" -> rules.add(same(key, ie + "vision_model.embeddings.class_embedding"));
                case "visual.positional_embedding" -> rules.add(same(key, ie + "vision_model.embeddings.position_embedding.weight"));
                case "visual.proj" -> rules.add(new Rule(key, List.of(ie + "visual_projection.weight"), Op.TRANSPOSE, 0));
                default -> {
                    if (key.startsWith("ln_final.")) rules.add(same(key, te + "text_model.final_layer_norm." + last(key)));
                    else if (key.startsWith("visual.ln_pre.")) rules.add(same(key, ie + "vision_model.pre_layrnorm." + last(key)));
                    else if (key.startsWith("visual.ln_post.")) rules.add(same(key, ie + "vision_model.post_layernorm." + last(key)));
                    else if (key.startsWith("visual.transformer.resblocks.")) rules.add(clipLayer(key, "visual.transformer.resblocks.", ie + "vision_model.encoder.layers.", visionWidth));
                    else if (key.startsWith("transformer.resblocks.")) rules.add(clipLayer(key, "transformer.resblocks.", te + "text_model.encoder.layers.", textWidth));
                    else throw new CheckpointException("no diffusers name for CLIP key '" + key + "'");
                }
            }
        }
        return rules;
    }

    private static Rule clipLayer(String key, String from, String to, int width) {
        String rest = key.substring(from.length());
        String i = rest.substring(0, rest.indexOf('.'));
        rest = rest.substring(i.length() + 1);
        String p = to + i + ".";
        if (rest.equals("attn.in_proj_weight") || rest.equals("attn.in_proj_bias")) {
            String wb = rest.endsWith("weight") ? "weight" : "bias";
            return split(key, width, p + "self_attn.q_proj." + wb, p + "self_attn.k_proj." + wb, p + "self_attn.v_proj." + wb);
        }
        return same(key, p + replacePrefix(rest, Map.of("attn.out_proj", "self_attn.out_proj", "ln_1", "layer_norm1", "ln_2", "layer_norm2",
                "mlp.c_fc", "mlp.fc1", "mlp.c_proj", "mlp.fc2")));
    }

    private static final Map<String, String> RESBLOCK = Map.of("in_layers.0", "norm1", "in_layers.2", "conv1", "emb_layers.1", "time_emb_proj",
            "out_layers.0", "norm2", "out_layers.3", "conv2", "skip_connection", "conv_shortcut");

    /** One U-Net key (prefix already stripped as k) → its diffusers UNet2D(Condition)Model key in folder. */
    private static Rule unet(String key, String k, String folder, int numRes, int headDim) {
        String[] s = k.split("\\.");
        String head = replacePrefix(k, Map.of("time_embed.0", "time_embedding.linear_1", "time_embed.2", "time_embedding.linear_2",
                "input_blocks.0.0", "conv_in", "out.0", "conv_norm_out", "out.2", "conv_out"));
        if (!head.equals(k)) return same(key, folder + head);
        String block;
        int sub;
        String rest;
        switch (s[0]) {
            case "input_blocks" -> {
                int n = Integer.parseInt(s[1]) - 1, level = n / (numRes + 1), j = n % (numRes + 1);
                sub = Integer.parseInt(s[2]);
                rest = tail(k, 3);
                block = j == numRes ? "down_blocks." + level + ".downsamplers.0"
                        : "down_blocks." + level + (sub == 0 ? ".resnets." : ".attentions.") + j;
            }
            case "middle_block" -> {
                sub = Integer.parseInt(s[1]);
                rest = tail(k, 2);
                block = isAttention(rest) ? "mid_block.attentions.0" : "mid_block.resnets." + (sub == 0 ? 0 : 1);
            }
            case "output_blocks" -> {
                int n = Integer.parseInt(s[1]), level = n / (numRes + 1), j = n % (numRes + 1);
                sub = Integer.parseInt(s[2]);
                rest = tail(k, 3);
                block = sub == 0 ? "up_blocks." + level + ".resnets." + j
                        : isAttention(rest) ? "up_blocks." + level + ".attentions." + j : "up_blocks." + level + ".upsamplers.0";
            }
            default -> throw new CheckpointException("no diffusers name for U-Net key '" + key + "'");
        }
        String p = folder + block + ".";
        if (!isAttention(rest)) return same(key, p + replacePrefix(rest, RESBLOCK));
        String wb = last(rest);
        return switch (rest.substring(0, rest.lastIndexOf('.'))) {
            case "norm" -> same(key, p + "group_norm." + wb);
            case "qkv" -> split(key, headDim, p + "to_q." + wb, p + "to_k." + wb, p + "to_v." + wb);
            case "encoder_kv" -> split(key, headDim, p + "add_k_proj." + wb, p + "add_v_proj." + wb);
            case "proj_out" -> new Rule(key, List.of(p + "to_out.0." + wb), Op.CONV1D_AS_LINEAR, 0);
            default -> throw new CheckpointException("no diffusers name for attention key '" + key + "'");
        };
    }

    private static boolean isAttention(String rest) {
        return rest.startsWith("norm.") || rest.startsWith("qkv.") || rest.startsWith("encoder_kv.") || rest.startsWith("proj_out.");
    }

    private static Rule same(String karlo, String diffusers) {
        return new Rule(karlo, List.of(diffusers), Op.SAME, 0);
    }

    private static Rule split(String karlo, int chunk, String... parts) {
        return new Rule(karlo, List.of(parts), Op.SPLIT, chunk);
    }

    private static String strip(String key, String prefix) {
        if (!key.startsWith(prefix)) throw new CheckpointException("key '" + key + "' lacks the prefix " + prefix);
        return key.substring(prefix.length());
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    private static String tail(String key, int segments) {
        String[] s = key.split("\\.", segments + 1);
        return s.length > segments ? s[segments] : "";
    }

    /** Replaces the longest dotted prefix of key found in table; key unchanged if none matches. */
    private static String replacePrefix(String key, Map<String, String> table) {
        String best = null;
        for (String from : table.keySet()) {
            if ((key.equals(from) || key.startsWith(from + ".")) && (best == null || from.length() > best.length())) best = from;
        }
        return best == null ? key : table.get(best) + key.substring(best.length());
    }

    // ------------------------------------------------------------------ conversion

    /**
     * diffusers tensors ({@code folder/key}) → Karlo tensors with the shapes a config implies
     * ({@link KarloKeys}), lazily. Strict: a missing, mis-shaped or unused diffusers tensor is an error
     * listing them all (HF's position ids excepted).
     */
    public static StateDict toKarlo(List<Rule> rules, StateDict diffusers, Map<String, long[]> karloShapes) {
        StateDict out = new StateDict(diffusers.source());
        Set<String> unused = new LinkedHashSet<>(diffusers.keys());
        List<String> problems = new ArrayList<>();
        for (Rule r : rules) {
            long[] expected = karloShapes.get(r.karlo());
            List<TensorInfo> found = new ArrayList<>();
            for (String d : r.diffusers()) {
                unused.remove(d);
                if (diffusers.contains(d)) found.add(diffusers.info(d));
                else problems.add("missing " + d);
            }
            if (found.size() != r.diffusers().size()) continue;
            long[] got = switch (r.op()) {
                case SAME, CONV1D_AS_LINEAR -> found.getFirst().shape();
                case TRANSPOSE -> found.getFirst().shape().length == 2 ? new long[] {found.getFirst().shape()[1], found.getFirst().shape()[0]} : found.getFirst().shape();
                case SPLIT -> {
                    long[] s = found.getFirst().shape();
                    if (s.length > 0) s[0] *= found.size();
                    yield s;
                }
            };
            if (r.op() == Op.SPLIT && (got.length == 0 || found.getFirst().shape()[0] % r.chunk() != 0)) {
                problems.add("shape " + r.diffusers().getFirst() + " " + Shape.toString(found.getFirst().shape()) + " is not whole heads of " + r.chunk());
                continue;
            }
            if (Shape.numel(got) != Shape.numel(expected) || !Arrays.equals(dropTrailingOne(got), dropTrailingOne(expected))) {
                problems.add("shape " + r.diffusers().getFirst() + " " + Shape.toString(found.getFirst().shape()) + " does not give "
                        + r.karlo() + " " + Shape.toString(expected));
                continue;
            }
            var dtype = found.getFirst().dtype();
            out.put(new TensorInfo(r.karlo(), dtype, expected), () -> switch (r.op()) {
                case SAME, CONV1D_AS_LINEAR -> diffusers.get(r.diffusers().getFirst()).contiguous().reshape(expected);
                case TRANSPOSE -> diffusers.get(r.diffusers().getFirst()).transpose(0, 1).contiguous();
                case SPLIT -> interleave(r.diffusers().stream().map(diffusers::get).toList(), r.chunk()).reshape(expected);
            });
        }
        unused.removeIf(DiffusersKeys::ignorable);
        for (String u : new TreeSet<>(unused)) problems.add("unexpected " + u);
        if (!problems.isEmpty()) {
            throw new CheckpointException(diffusers.source() + ": diffusers weights do not match the config (" + Weights.listing(problems) + ")");
        }
        return out;
    }

    static long[] dropTrailingOne(long[] shape) {
        return shape.length == 3 && shape[2] == 1 ? new long[] {shape[0], shape[1]} : shape.clone();
    }

    /**
     * Fused rows from parts (each [heads·chunk, ...]) dealt round-robin: row {@code (parts·h + p)·chunk + d}
     * of the result is row {@code h·chunk + d} of part p.
     */
    static Tensor interleave(List<Tensor> partTensors, int chunk) {
        int parts = partTensors.size();
        Tensor first = partTensors.getFirst().contiguous();
        long rows = first.size(0), rowBytes = first.byteSize() / rows, heads = rows / chunk;
        long[] shape = first.shape();
        shape[0] = rows * parts;
        Tensor out = Tensor.zeros(first.dtype(), shape);
        MemorySegment to = out.segment();
        long block = chunk * rowBytes;
        for (int p = 0; p < parts; p++) {
            MemorySegment from = partTensors.get(p).contiguous().segment();
            for (long h = 0; h < heads; h++) MemorySegment.copy(from, h * block, to, ((long) parts * h + p) * block, block);
        }
        return out;
    }
}
