package unclip4j.pipeline;

import java.nio.file.Path;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ClipStats;
import unclip4j.checkpoint.KarloKeys;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.checkpoint.ModelSource;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.Weights;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;
import unclip4j.model.clip.ClipTextEncoder;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.model.prior.PriorTransformer;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.ImprovedSupRes64to256;
import unclip4j.model.unet.PLMImUNet;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.tensor.DType;

/**
 * Builds each stage of a model (a directory, or random weights for benchmarks) on a backend, strictly: every key of the component is
 * used and matches the shape its config implies, or loading fails, before anything is built, listing the problems.
 * Stages load independently so a pipeline can hold only what it needs (and free a stage after use).
 */
public final class StageLoader {
    /** CLIP JIT buffers that build_model deletes, and the contrastive temperature: not used for encoding. */
    private static final Set<String> CLIP_UNUSED = Set.of("logit_scale", "context_length", "vocab_size", "input_resolution");
    private static final String VISUAL = "visual.";

    private final ModelSource source;
    private final Backend backend;
    private final DType storage;

    /** Stages with F32 weights. */
    public StageLoader(ModelSource source, Backend backend) {
        this(source, backend, DType.F32);
    }

    /** Stages whose layers keep their weights in {@code storage} (F32, F16 or BF16); arithmetic stays F32. */
    public StageLoader(ModelSource source, Backend backend, DType storage) {
        this.source = source;
        this.backend = backend;
        this.storage = storage;
    }

    /** Where the stages come from (a model directory, or random weights for benchmarks). */
    public ModelSource source() {
        return source;
    }

    public ClipTextEncoder clipText() {
        ModelDirectory.Component<ClipConfig> clip = source.clip();
        ClipConfig c = clip.config();
        StateDict text = clip.weights().rename(k -> k.startsWith(VISUAL) || CLIP_UNUSED.contains(k) ? null : k);
        return strictly(text, clipKeys(c, false), "the CLIP text encoder that its own shapes imply",
                w -> new ClipTextEncoder(backend, w, c.vocabSize(), c.contextLength(), c.textWidth(), c.textLayers(), c.textHeads(), c.embedDim()));
    }

    /**
     * The CLIP config of source, once it is known to have an image encoder: the diffusers Karlo folder
     * ships the text encoder only. Commands that embed pictures ask before preparing them.
     */
    public static ClipConfig imageEncoderConfig(ModelSource source) {
        ModelDirectory.Component<ClipConfig> clip = source.clip();
        if (clip.config().visionWidth() == 0) {
            throw new IllegalArgumentException(clip.source() + " has no CLIP image encoder (visual.*; a diffusers folder's image_encoder/), "
                    + "which embedding pictures needs");
        }
        return clip.config();
    }

    public VisionTransformer clipImage() {
        ModelDirectory.Component<ClipConfig> clip = source.clip();
        ClipConfig c = imageEncoderConfig(source);
        StateDict vision = clip.weights().stripPrefix(VISUAL);
        return strictly(vision, clipKeys(c, true), "the CLIP image encoder that its own shapes imply",
                w -> new VisionTransformer(backend, w, c.imageResolution(), c.visionPatchSize(), c.visionWidth(), c.visionLayers(),
                        c.visionHeads(), c.embedDim()));
    }

    public PriorDiffusionModel prior() {
        ModelDirectory.Component<PriorConfig> prior = source.prior();
        PriorConfig c = prior.config();
        PriorTransformer transformer = strictly(prior.weights(), KarloKeys.prior(c), configured(Part.PRIOR, c, PriorConfig.karloV1Alpha()),
                w -> new PriorTransformer(backend, w.at("model"), c.textCtx(), c.xfWidth(), c.xfLayers(), c.xfHeads(), c.clipDim(), c.xfFinalLn()));
        ClipStats stats = source.clipStats();
        if (stats.mean().numel() != c.clipDim()) {
            throw new IllegalArgumentException("CLIP stats have " + stats.mean().numel() + " values but the prior's clip_dim is " + c.clipDim());
        }
        return new PriorDiffusionModel(backend, transformer, stats.mean(), stats.std());
    }

    public DecoderDiffusionModel decoder() {
        ModelDirectory.Component<UNetConfig> decoder = source.decoder();
        UNetConfig c = decoder.config();
        PLMImUNet unet = strictly(decoder.weights(), KarloKeys.decoder(c), configured(Part.DECODER, c, UNetConfig.karloV1Alpha()),
                w -> new PLMImUNet(backend, w.at("model"), c.modelChannels(), ints(c.channelMult()), c.numResBlocks(),
                        c.attentionDs().stream().collect(Collectors.toSet()), c.numHeadChannels(), c.xfWidth(), c.clipDim(),
                        c.clipEmbMult(), c.useScaleShiftNorm(), c.learnSigma(), c.clipEmbDrop()));
        return new DecoderDiffusionModel(backend, unet, c.imageSize());
    }

    public SuperResDiffusionModel superRes() {
        ModelDirectory.Component<SrConfig> sr = source.sr();
        SrConfig c = sr.config();
        ImprovedSupRes64to256 nets = strictly(sr.weights(), KarloKeys.sr(c), configured(Part.SR, c, SrConfig.karloV1Alpha()),
                w -> new ImprovedSupRes64to256(backend, w, c.channels(), c.depth(), ints(c.channelsMultiple())));
        return new SuperResDiffusionModel(backend, nets);
    }

    /**
     * The strict load every stage goes through: the keys and shapes are checked before anything is
     * built, then the module is built from them, then a key it did not read is an error too.
     */
    private <T> T strictly(StateDict weights, Map<String, long[]> expected, String model, Function<Weights, T> build) {
        Weights.requireExactly(weights, expected, model);
        Weights w = new Weights(weights, storage);
        T module = build.apply(w);
        w.finish(model);
        return module;
    }

    /** The CLIP keys and shapes of one encoder (the image encoder's without their "visual." prefix). */
    private static Map<String, long[]> clipKeys(ClipConfig c, boolean vision) {
        Map<String, long[]> keys = new LinkedHashMap<>();
        KarloKeys.clip(c).forEach((k, shape) -> {
            if (k.startsWith(VISUAL) == vision && !CLIP_UNUSED.contains(k)) keys.put(vision ? k.substring(VISUAL.length()) : k, shape);
        });
        return keys;
    }

    /**
     * The model a stage's config describes, for a checkpoint that does not fit it: the YAML the
     * directory reads it from, else Karlo v1.0 alpha's settings when they are what it holds.
     */
    private String configured(Part part, Object config, Object karlo) {
        String stage = part == Part.SR ? "super-resolution" : part.name().toLowerCase(java.util.Locale.ROOT);
        if (source instanceof ModelDirectory dir) {
            Optional<Path> yaml = dir.configFile(part);
            if (yaml.isPresent()) return "the " + stage + " that " + yaml.get() + " describes";
        }
        if (config.equals(karlo)) {
            return "Karlo v1.0 alpha's " + stage + " settings (the built-in ones when no " + part.configNames().getFirst() + " is beside it)";
        }
        return "the " + stage + " its config describes";
    }

    private static int[] ints(java.util.List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }
}
