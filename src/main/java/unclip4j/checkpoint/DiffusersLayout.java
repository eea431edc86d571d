package unclip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.config.DiffusionConfig;
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
        JsonNode j = config(dir, "prior");
        int heads = integer(dir, j, "num_attention_heads"), headDim = integer(dir, j, "attention_head_dim");
        int extra = integer(dir, j, "additional_embeddings");
        if (extra != 4) throw new CheckpointException(dir + ": prior additional_embeddings " + extra + " (Karlo's prior has 4)");
        try {
            return new PriorConfig(integer(dir, j, "num_embeddings"), heads * headDim, integer(dir, j, "num_layers"), heads, true,
                    integer(dir, j, "embedding_dim"), 0.2, DiffusionConfig.prior());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir + ": prior config: " + e.getMessage());
        }
    }

    static UNetConfig decoderConfig(Path dir) {
        JsonNode j = config(dir, "decoder"), t = config(dir, "text_proj");
        List<Integer> channels = ints(dir, j, "block_out_channels");
        if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
            throw new CheckpointException(dir + ": decoder block_out_channels " + channels + " must be positive");
        }
        int mc = channels.getFirst();
        List<Integer> mult = new ArrayList<>(), attentionDs = new ArrayList<>();
        JsonNode down = j.get("down_block_types");
        for (int level = 0; level < channels.size(); level++) {
            mult.add(channels.get(level) / mc);
            if (down != null && down.size() > level && down.get(level).asText().contains("Attn")) attentionDs.add(1 << level);
        }
        int clipDim = integer(dir, t, "clip_embeddings_dim");
        return new UNetConfig(integer(dir, j, "sample_size"), mc, integer(dir, j, "layers_per_block"), mult, attentionDs, -1,
                integer(dir, j, "attention_head_dim"), "scale_shift".equals(j.path("resnet_time_scale_shift").asText()), true,
                integer(dir, j, "out_channels") == 6, clipDim, integer(dir, t, "clip_extra_context_tokens"),
                integer(dir, t, "cross_attention_dim"), 77, 0.1, 0.1, DiffusionConfig.decoder());
    }

    static SrConfig srConfig(Path dir) {
        JsonNode j = config(dir, "super_res_first");
        List<Integer> channels = ints(dir, j, "block_out_channels");
        List<Integer> mult = channels.stream().map(c -> c / channels.getFirst()).toList();
        return new SrConfig(channels.getFirst(), integer(dir, j, "layers_per_block"), mult, 0.0, DiffusionConfig.sr());
    }

    private static ClipConfig clipConfig(Path dir, boolean vision) {
        JsonNode t = config(dir, "text_encoder");
        int width = integer(dir, t, "hidden_size");
        int vw = 0, vl = 0, patch = 0, res = 0;
        if (vision) {
            JsonNode v = config(dir, "image_encoder");
            vw = integer(dir, v, "hidden_size");
            vl = integer(dir, v, "num_hidden_layers");
            patch = integer(dir, v, "patch_size");
            res = integer(dir, v, "image_size");
        }
        return new ClipConfig(integer(dir, t, "projection_dim"), vw, vl, patch, res, integer(dir, t, "max_position_embeddings"),
                integer(dir, t, "vocab_size"), width, width / 64, integer(dir, t, "num_hidden_layers"));
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
            if (Files.isRegularFile(folder.resolve(f))) return folder.resolve(f);
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

    private static JsonNode config(Path dir, String folder) {
        Path f = dir.resolve(folder).resolve("config.json");
        try {
            JsonNode j = new ObjectMapper().readTree(RegularFile.readText(f, CONFIG_MAX_BYTES));
            if (j == null || !j.isObject()) throw new CheckpointException(f + ": not a JSON object");
            return j;
        } catch (IOException e) {
            throw new CheckpointException(f + ": cannot read config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static int integer(Path dir, JsonNode j, String key) {
        JsonNode v = j.get(key);
        if (v == null || !v.canConvertToInt()) throw new CheckpointException(dir + ": config.json has no integer " + key);
        return v.asInt();
    }

    private static List<Integer> ints(Path dir, JsonNode j, String key) {
        JsonNode v = j.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) throw new CheckpointException(dir + ": config.json has no list " + key);
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : v) out.add(n.asInt());
        return out;
    }
}
