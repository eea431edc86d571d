package unclip4j.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.RegularFile;

/**
 * Karlo's YAML configs (OmegaConf dumps: {@code model: {type, hparams: {...}}, diffusion: {...}})
 * to and from {@link PriorConfig}, {@link UNetConfig}, {@link SrConfig}. Parsed with SnakeYAML's
 * safe constructor (plain maps, lists, scalars; no tags). {@code channel_mult} and
 * {@code attention_resolutions} are comma-separated strings, as Karlo splits them.
 */
public final class KarloYaml {
    private KarloYaml() {}

    public static PriorConfig prior(Path file) {
        Section s = read(file, "prior");
        Section h = s.hparams();
        return built(file, () -> new PriorConfig(h.integer("text_ctx"), h.integer("xf_width"), h.integer("xf_layers"), h.integer("xf_heads"),
                h.bool("xf_final_ln"), h.integer("clip_dim"), h.number("text_drop", 0), s.diffusion()));
    }

    public static UNetConfig decoder(Path file) {
        Section s = read(file, "t2i-decoder");
        Section h = s.hparams();
        int imageSize = h.integer("image_size");
        String mult = h.string("channel_mult");
        List<Integer> channelMult = mult.isEmpty() ? built(file, () -> UNetConfig.defaultChannelMult(imageSize)) : ints(file, mult);
        List<Integer> attentionDs = new ArrayList<>();
        for (int r : ints(file, h.string("attention_resolutions"))) {
            if (r <= 0 || imageSize % r != 0) throw new CheckpointException(file + ": attention resolution " + r + " does not divide image_size " + imageSize);
            attentionDs.add(imageSize / r);
        }
        attentionDs.sort(null);
        return built(file, () -> new UNetConfig(imageSize, h.integer("num_channels"), h.integer("num_res_blocks"), channelMult, attentionDs,
                h.integer("num_heads"), h.integer("num_head_channels"), h.bool("use_scale_shift_norm"), h.bool("resblock_updown"),
                h.bool("learn_sigma"), h.integer("clip_dim"), h.integer("clip_emb_mult"), h.integer("xf_width"), h.integer("text_ctx"),
                h.number("clip_emb_drop", 0), h.number("dropout", 0), s.diffusion()));
    }

    public static SrConfig sr(Path file) {
        Section s = read(file, "improved_sr_64_256");
        Section h = s.hparams();
        Object cm = h.get("channels_multiple");
        List<Integer> mult = new ArrayList<>();
        if (cm instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof Integer i)) throw new CheckpointException(file + ": channels_multiple must be a list of integers");
                mult.add(i);
            }
        } else {
            mult = ints(file, String.valueOf(cm));
        }
        List<Integer> channelsMultiple = mult;
        return built(file, () -> new SrConfig(h.integer("channels"), h.integer("depth"), channelsMultiple, h.number("dropout", 0), s.diffusion()));
    }

    /** The config, or the file and key of a setting it refuses. */
    private static <C> C built(Path file, Supplier<C> config) {
        try {
            return config.get();
        } catch (InvalidSetting e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    /** Karlo's layout, as the files in configs/ have it (so Karlo itself could read what we write). */
    public static String dump(PriorConfig c) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("text_ctx", c.textCtx());
        h.put("xf_width", c.xfWidth());
        h.put("xf_layers", c.xfLayers());
        h.put("xf_heads", c.xfHeads());
        h.put("xf_final_ln", c.xfFinalLn());
        h.put("text_drop", c.textDrop());
        h.put("clip_dim", c.clipDim());
        return dump("prior", h, c.diffusion());
    }

    public static String dump(UNetConfig c) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("image_size", c.imageSize());
        h.put("num_channels", c.modelChannels());
        h.put("num_res_blocks", c.numResBlocks());
        h.put("channel_mult", join(c.channelMult()));
        h.put("attention_resolutions", join(c.attentionDs().stream().map(d -> c.imageSize() / d).sorted((a, b) -> b - a).toList()));
        h.put("num_heads", c.numHeads());
        h.put("num_head_channels", c.numHeadChannels());
        h.put("num_heads_upsample", -1);
        h.put("use_scale_shift_norm", c.useScaleShiftNorm());
        h.put("dropout", c.dropout());
        h.put("clip_dim", c.clipDim());
        h.put("clip_emb_mult", c.clipEmbMult());
        h.put("text_ctx", c.textCtx());
        h.put("xf_width", c.xfWidth());
        h.put("xf_layers", 0);
        h.put("xf_heads", 0);
        h.put("xf_final_ln", false);
        h.put("resblock_updown", c.resblockUpdown());
        h.put("learn_sigma", c.learnSigma());
        h.put("clip_emb_type", "image");
        h.put("clip_emb_drop", c.clipEmbDrop());
        h.put("use_plm", true);
        return dump("t2i-decoder", h, c.diffusion());
    }

    public static String dump(SrConfig c) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("channels", c.channels());
        h.put("depth", c.depth());
        h.put("channels_multiple", c.channelsMultiple());
        h.put("dropout", c.dropout());
        return dump("improved_sr_64_256", h, c.diffusion());
    }

    private static String dump(String type, Map<String, Object> hparams, DiffusionConfig d) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", type);
        model.put("diffusion_sampler", "uniform");
        model.put("hparams", hparams);
        Map<String, Object> diffusion = new LinkedHashMap<>();
        diffusion.put("steps", d.steps());
        diffusion.put("learn_sigma", d.learnSigma());
        diffusion.put("sigma_small", d.sigmaSmall());
        diffusion.put("noise_schedule", d.noiseSchedule());
        diffusion.put("use_kl", d.useKl());
        diffusion.put("predict_xstart", d.predictXstart());
        diffusion.put("rescale_learned_sigmas", d.rescaleLearnedSigmas());
        diffusion.put("timestep_respacing", d.timestepRespacing());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model);
        root.put("diffusion", diffusion);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(root);
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static List<Integer> ints(Path file, String csv) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            try {
                out.add(Integer.parseInt(p.strip()));
            } catch (NumberFormatException e) {
                throw new CheckpointException(file + ": '" + csv + "' is not a comma-separated list of integers");
            }
        }
        return out;
    }

    private static Section read(Path file, String expectedType) {
        Object root;
        try {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            lo.setMaxAliasesForCollections(10);
            lo.setCodePointLimit(1 << 20);
            root = new Yaml(new SafeConstructor(lo)).load(RegularFile.readText(file, lo.getCodePointLimit()));
        } catch (YAMLException e) {
            throw new CheckpointException(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Section s = new Section(file, "", root instanceof Map<?, ?> m ? m : Map.of());
        String type = s.section("model").string("type");
        if (!type.equals(expectedType)) throw new CheckpointException(file + ": model.type is '" + type + "', expected '" + expectedType + "'");
        return s;
    }

    /** One mapping of the YAML with typed, named getters: errors say which key and file. */
    private record Section(Path file, String path, Map<?, ?> map) {
        Object get(String key) {
            if (!map.containsKey(key)) throw new CheckpointException(file + ": missing " + path + key);
            return map.get(key);
        }

        Section section(String key) {
            if (get(key) instanceof Map<?, ?> m) return new Section(file, path + key + ".", m);
            throw new CheckpointException(file + ": " + path + key + " is not a mapping");
        }

        Section hparams() {
            return section("model").section("hparams");
        }

        int integer(String key) {
            Object v = get(key);
            if (v instanceof Integer i) return i;
            // SnakeYAML reads integers past an int as Long or BigInteger: an integer still, but no size any model has
            if (v instanceof Long || v instanceof BigInteger) {
                throw new CheckpointException(file + ": " + path + key + " is " + v + ", far outside any model's sizes");
            }
            throw new CheckpointException(file + ": " + path + key + " is not an integer");
        }

        double number(String key, double fallback) {
            if (!map.containsKey(key)) return fallback;
            if (get(key) instanceof Number n) return n.doubleValue();
            throw new CheckpointException(file + ": " + path + key + " is not a number");
        }

        boolean bool(String key) {
            if (get(key) instanceof Boolean b) return b;
            throw new CheckpointException(file + ": " + path + key + " is not true/false");
        }

        String string(String key) {
            Object v = get(key);
            if (v instanceof String || v instanceof Number) return String.valueOf(v);
            throw new CheckpointException(file + ": " + path + key + " is not a string");
        }

        DiffusionConfig diffusion() {
            Section d = section("diffusion");
            return new DiffusionConfig(d.integer("steps"), d.string("noise_schedule"), d.bool("learn_sigma"), d.bool("sigma_small"),
                    d.bool("predict_xstart"), d.bool("rescale_learned_sigmas"), d.bool("use_kl"), d.string("timestep_respacing"));
        }
    }
}
