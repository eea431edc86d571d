package unclip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.config.DiffusionConfig;
import unclip4j.config.InvalidSetting;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/**
 * A diffusers {@code kakaobrain/karlo-v1-alpha} (or {@code -image-variations}) folder read as
 * Karlo components: configs from each folder's {@code config.json}, weights from
 * {@code diffusion_pytorch_model.safetensors|.bin} ({@code model.safetensors|pytorch_model.bin}
 * for the HF CLIP encoders) translated through {@link DiffusersKeys}.
 */
final class DiffusersLayout {
    private DiffusersLayout() {}

    static StateDict weights(Path dir, Part part) {
        return switch (part) {
            case PRIOR -> {
                PriorConfig c = priorConfig(dir);
                Map<String, long[]> shapes = KarloKeys.prior(c);
                StateDict d = folders(dir, "prior");
                yield DiffusersKeys.toKarlo(DiffusersKeys.prior(shapes.keySet(), c.xfWidth() / c.xfHeads()), without(d, "prior/clip_mean", "prior/clip_std"), shapes);
            }
            case DECODER -> {
                UNetConfig c = decoderConfig(dir);
                Map<String, long[]> shapes = KarloKeys.decoder(c);
                yield DiffusersKeys.toKarlo(DiffusersKeys.decoder(shapes.keySet(), c.numResBlocks(), c.numHeadChannels()),
                        folders(dir, "decoder", "text_proj"), shapes);
            }
            case SR -> {
                SrConfig c = srConfig(dir);
                Map<String, long[]> shapes = KarloKeys.sr(c);
                yield DiffusersKeys.toKarlo(DiffusersKeys.sr(shapes.keySet(), c.depth()), folders(dir, "super_res_first", "super_res_last"), shapes);
            }
            case CLIP -> {
                boolean vision = Files.isDirectory(dir.resolve("image_encoder"));
                StateDict d = vision ? folders(dir, "text_encoder", "image_encoder") : folders(dir, "text_encoder");
                ClipConfig c = clipConfig(dir, vision);
                Map<String, long[]> shapes = KarloKeys.clip(c);
                shapes.remove("logit_scale");
                yield DiffusersKeys.toKarlo(DiffusersKeys.clip(shapes.keySet(), c.textWidth(), c.visionWidth()), d, shapes);
            }
            case CLIP_STATS -> throw new CheckpointException(dir + ": diffusers keeps the CLIP stats inside prior/ (clip_mean, clip_std)");
        };
    }

    /** diffusers stores the stats as [1, D] parameters of the prior; Karlo's file has [D]. */
    static ClipStats clipStats(Path dir) {
        StateDict d = folders(dir, "prior");
        for (String k : List.of("prior/clip_mean", "prior/clip_std")) {
            if (!d.contains(k)) throw new CheckpointException(dir + ": prior/ has no " + k.substring(6));
        }
        return new ClipStats(d.get("prior/clip_mean").reshape(-1), d.get("prior/clip_std").reshape(-1));
    }

    static PriorConfig priorConfig(Path dir) {
        Json j = config(dir, "prior");
        int heads = j.integer("num_attention_heads"), headDim = j.integer("attention_head_dim");
        int extra = j.integer("additional_embeddings");
        if (extra != 4) throw new CheckpointException(j.at("additional_embeddings") + " is " + extra + "; Karlo's prior has 4");
        int width = (int) Math.min((long) heads * headDim, Integer.MAX_VALUE); // saturates: far beyond the prior's bound
        return built(dir, Map.of("text_ctx", j.at("num_embeddings"), "xf_width", j.at("num_attention_heads") + " × attention_head_dim",
                        "xf_layers", j.at("num_layers"), "xf_heads", j.at("num_attention_heads"), "clip_dim", j.at("embedding_dim")),
                () -> new PriorConfig(j.integer("num_embeddings"), width, j.integer("num_layers"), heads, true, j.integer("embedding_dim"), 0.2,
                        DiffusionConfig.prior()));
    }

    static UNetConfig decoderConfig(Path dir) {
        Json j = config(dir, "decoder"), t = config(dir, "text_proj");
        List<Integer> channels = j.integers("block_out_channels"), mult = channelMult(j, channels), attentionDs = new ArrayList<>();
        JsonNode down = j.node().get("down_block_types");
        for (int level = 0; level < channels.size(); level++) {
            if (down != null && down.size() > level && down.get(level).asText().contains("Attn")) attentionDs.add(1 << level);
        }
        return built(dir, Map.of("image_size", j.at("sample_size"), "num_channels", j.at("block_out_channels"), "channel_mult", j.at("block_out_channels"),
                        "num_res_blocks", j.at("layers_per_block"), "num_head_channels", j.at("attention_head_dim"), "learn_sigma", j.at("out_channels"),
                        "clip_dim", t.at("clip_embeddings_dim"), "clip_emb_mult", t.at("clip_extra_context_tokens"), "xf_width", t.at("cross_attention_dim")),
                () -> new UNetConfig(j.integer("sample_size"), channels.getFirst(), j.integer("layers_per_block"), mult, attentionDs, -1,
                        j.integer("attention_head_dim"), "scale_shift".equals(j.node().path("resnet_time_scale_shift").asText()), true,
                        j.integer("out_channels") == 6, t.integer("clip_embeddings_dim"), t.integer("clip_extra_context_tokens"),
                        t.integer("cross_attention_dim"), 77, 0.1, 0.1, DiffusionConfig.decoder()));
    }

    static SrConfig srConfig(Path dir) {
        Json j = config(dir, "super_res_first");
        List<Integer> channels = j.integers("block_out_channels"), mult = channelMult(j, channels);
        return built(dir, Map.of("channels", j.at("block_out_channels"), "channels_multiple", j.at("block_out_channels"), "depth", j.at("layers_per_block")),
                () -> new SrConfig(channels.getFirst(), j.integer("layers_per_block"), mult, 0.0, DiffusionConfig.sr()));
    }

    static ClipConfig clipConfig(Path dir, boolean vision) {
        Json t = config(dir, "text_encoder"), v = vision ? config(dir, "image_encoder") : null;
        Map<String, String> keys = new HashMap<>(Map.of("embed_dim", t.at("projection_dim"), "transformer_width", t.at("hidden_size"),
                "transformer_layers", t.at("num_hidden_layers"), "context_length", t.at("max_position_embeddings"), "vocab_size", t.at("vocab_size")));
        if (v != null) {
            keys.putAll(Map.of("vision_width", v.at("hidden_size"), "vision_layers", v.at("num_hidden_layers"), "vision_patch_size", v.at("patch_size"),
                    "image_resolution", v.at("image_size")));
        }
        int width = t.integer("hidden_size");
        return built(dir, keys, () -> new ClipConfig(t.integer("projection_dim"), v == null ? 0 : v.integer("hidden_size"),
                v == null ? 0 : v.integer("num_hidden_layers"), v == null ? 0 : v.integer("patch_size"), v == null ? 0 : v.integer("image_size"),
                t.integer("max_position_embeddings"), t.integer("vocab_size"), width, width / 64, t.integer("num_hidden_layers")));
    }

    /** block_out_channels as Karlo's per-level multipliers of the first entry (its num_channels). */
    private static List<Integer> channelMult(Json j, List<Integer> channels) {
        int first = channels.getFirst();
        for (int c : channels) { // the first entry comes first: no division by zero
            if (c < 1 || c % first != 0) {
                throw new CheckpointException(j.at("block_out_channels") + " holds " + c
                        + "; each entry must be a positive multiple of the first (Karlo's U-Nets widen each level by a whole multiplier)");
            }
        }
        return channels.stream().map(c -> c / first).toList();
    }

    /**
     * A config built from diffusers values; a setting it refuses (named as in Karlo's YAML) is named
     * by where it came from: the config.json and its key.
     */
    private static <C> C built(Path dir, Map<String, String> diffusersKeys, Supplier<C> config) {
        try {
            return config.get();
        } catch (InvalidSetting e) {
            String where = diffusersKeys.get(e.key());
            if (where == null) throw new CheckpointException(dir + ": " + e.getMessage());
            throw new CheckpointException(where + (where.endsWith(": " + e.key()) ? "" : ", as " + e.key() + ",") + " " + e.problem());
        }
    }

    /** The weights of several component folders in one dict, keyed {@code folder/key}. */
    private static StateDict folders(Path dir, String... names) {
        StateDict all = new StateDict(dir.toString());
        for (String name : names) {
            StateDict sd = Checkpoints.read(weightsFile(dir.resolve(name)));
            for (String k : sd.keys()) {
                TensorInfo i = sd.info(k);
                all.put(new TensorInfo(name + "/" + k, i.dtype(), i.shape()), () -> sd.get(k));
            }
        }
        return all;
    }

    private static StateDict without(StateDict sd, String... names) {
        List<String> drop = List.of(names);
        return sd.rename(k -> drop.contains(k) ? null : k);
    }

    /** The component folders of a diffusers Karlo model, each read by one part (image_encoder only by image variations). */
    private static final List<String> FOLDERS = List.of("text_encoder", "image_encoder", "prior", "text_proj", "decoder",
            "super_res_first", "super_res_last");

    /**
     * A folder with a model_index.json but none of the component folders is no diffusers model: most
     * likely a Karlo folder that a model_index.json strayed into, which would be read as a diffusers one.
     */
    static void requireComponentFolders(Path dir) {
        if (FOLDERS.stream().noneMatch(f -> Files.isDirectory(dir.resolve(f)))) {
            throw new CheckpointException(dir + ": has a model_index.json (a diffusers model) but none of its component folders ("
                    + String.join("/, ", FOLDERS) + "/); if it is a Karlo folder, remove the stray model_index.json");
        }
    }

    private static final List<String> WEIGHTS_NAMES = List.of("diffusion_pytorch_model.safetensors", "model.safetensors",
            "diffusion_pytorch_model.bin", "pytorch_model.bin");
    /** diffusers' other ways to store those: in shards (NAME-00001-of-00002.safetensors) or as a variant (NAME.fp16.safetensors). */
    private static final Pattern SHARD = Pattern.compile("(diffusion_pytorch_model|model|pytorch_model)(?:\\.[^.]+)?-\\d+-of-(\\d+)\\.(safetensors|bin)");
    private static final Pattern VARIANT = Pattern.compile("(diffusion_pytorch_model|model|pytorch_model)\\.[^.]+\\.(safetensors|bin)");

    private static Path weightsFile(Path folder) {
        for (String f : WEIGHTS_NAMES) {
            Path weights = folder.resolve(f);
            // present, even as a dangling link (a partly downloaded Hugging Face snapshot): that one, or what is wrong with it
            if (Files.exists(weights, LinkOption.NOFOLLOW_LINKS)) {
                RegularFile.require(weights);
                return weights;
            }
        }
        if (!Files.isDirectory(folder)) throw new CheckpointException(folder + ": no such folder (a diffusers model has one per component)");
        String missing = folder + ": no diffusion_pytorch_model.safetensors/.bin or model.safetensors/pytorch_model.bin";
        List<String> found;
        try (Stream<Path> s = Files.list(folder)) {
            found = s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(folder + ": cannot list (" + e.getMessage() + ")");
        }
        for (String name : found) {
            Matcher shard = SHARD.matcher(name);
            if (shard.matches()) {
                String whole = shard.group(1) + "." + shard.group(3);
                throw new CheckpointException(missing + "; found " + name + ": sharded weights (…-00001-of-0000N) are not read; "
                        + (Integer.parseInt(shard.group(2)) == 1 ? "a single shard is all of them: rename it to " + whole
                                : "merge the shards into one " + whole + " (save_pretrained with a larger max_shard_size)"));
            }
            Matcher variant = VARIANT.matcher(name);
            if (variant.matches()) {
                throw new CheckpointException(missing + "; found " + name + ": variant files are not read; rename it to "
                        + variant.group(1) + "." + variant.group(2) + " or download the default variant");
            }
        }
        throw new CheckpointException(missing + (found.isEmpty() ? " (the folder is empty)"
                : " (found " + String.join(", ", found.subList(0, Math.min(5, found.size()))) + (found.size() > 5 ? ", ..." : "") + ")"));
    }

    /** Far above any diffusers config.json (about 2 kB). */
    private static final long CONFIG_MAX_BYTES = 1 << 20;

    /** A component folder's config.json. */
    private record Json(Path file, JsonNode node) {
        /** Where a key is, for messages: {@code …/decoder/config.json: layers_per_block}. */
        String at(String key) {
            return file + ": " + key;
        }

        int integer(String key) {
            return integer(key, node.get(key));
        }

        List<Integer> integers(String key) {
            JsonNode v = node.get(key);
            if (v == null || !v.isArray() || v.isEmpty()) throw new CheckpointException(at(key) + " is not a list of integers");
            List<Integer> out = new ArrayList<>();
            for (JsonNode n : v) out.add(integer(key, n));
            return out;
        }

        /** Integral numbers only: canConvertToInt alone takes 1.5 (truncated) and 1e8, which Python reads as floats. */
        private int integer(String key, JsonNode v) {
            if (v == null) throw new CheckpointException(at(key) + " is missing");
            if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new CheckpointException(at(key) + " is " + v + ", not an integer");
            return v.intValue();
        }
    }

    private static Json config(Path dir, String folder) {
        Path f = dir.resolve(folder).resolve("config.json");
        try {
            JsonNode j = new ObjectMapper().readTree(RegularFile.readText(f, CONFIG_MAX_BYTES));
            if (j == null || !j.isObject()) throw new CheckpointException(f + ": not a JSON object");
            return new Json(f, j);
        } catch (IOException e) {
            throw new CheckpointException(f + ": cannot read config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
