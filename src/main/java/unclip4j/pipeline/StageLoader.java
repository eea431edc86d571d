package unclip4j.pipeline;

import java.util.stream.Collectors;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ClipStats;
import unclip4j.checkpoint.ModelDirectory;
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
 * used and matches the shape its config implies, or loading fails with the full list of problems.
 * Stages load independently so a pipeline can hold only what it needs (and free a stage after use).
 */
public final class StageLoader {
    /** CLIP JIT buffers that build_model deletes, and the contrastive temperature: not used for encoding. */
    private static final String[] CLIP_UNUSED = {"logit_scale", "context_length", "vocab_size", "input_resolution"};

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
        StateDict text = clip.weights().rename(k -> k.startsWith("visual.") ? null : k);
        Weights w = new Weights(text, storage);
        ClipTextEncoder encoder = new ClipTextEncoder(backend, w, c.vocabSize(), c.contextLength(), c.textWidth(),
                c.textLayers(), c.textHeads(), c.embedDim());
        ignorePresent(w, text);
        w.finish("ClipTextEncoder" + c);
        return encoder;
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
        Weights w = new Weights(clip.weights().stripPrefix("visual."), storage);
        VisionTransformer vit = new VisionTransformer(backend, w, c.imageResolution(), c.visionPatchSize(), c.visionWidth(),
                c.visionLayers(), c.visionHeads(), c.embedDim());
        w.finish("VisionTransformer" + c);
        return vit;
    }

    public PriorDiffusionModel prior() {
        ModelDirectory.Component<PriorConfig> prior = source.prior();
        PriorConfig c = prior.config();
        Weights w = new Weights(prior.weights(), storage);
        PriorTransformer transformer = new PriorTransformer(backend, w.at("model"), c.textCtx(), c.xfWidth(), c.xfLayers(),
                c.xfHeads(), c.clipDim(), c.xfFinalLn());
        w.finish("PriorTransformer" + c);
        ClipStats stats = source.clipStats();
        if (stats.mean().numel() != c.clipDim()) {
            throw new IllegalArgumentException("CLIP stats have " + stats.mean().numel() + " values but the prior's clip_dim is " + c.clipDim());
        }
        return new PriorDiffusionModel(backend, transformer, stats.mean(), stats.std());
    }

    public DecoderDiffusionModel decoder() {
        ModelDirectory.Component<UNetConfig> decoder = source.decoder();
        UNetConfig c = decoder.config();
        Weights w = new Weights(decoder.weights(), storage);
        PLMImUNet unet = new PLMImUNet(backend, w.at("model"), c.modelChannels(), ints(c.channelMult()), c.numResBlocks(),
                c.attentionDs().stream().collect(Collectors.toSet()), c.numHeadChannels(), c.xfWidth(), c.clipDim(),
                c.clipEmbMult(), c.useScaleShiftNorm(), c.learnSigma(), c.clipEmbDrop());
        w.finish("PLMImUNet" + c);
        return new DecoderDiffusionModel(backend, unet, c.imageSize());
    }

    public SuperResDiffusionModel superRes() {
        ModelDirectory.Component<SrConfig> sr = source.sr();
        SrConfig c = sr.config();
        Weights w = new Weights(sr.weights(), storage);
        ImprovedSupRes64to256 nets = new ImprovedSupRes64to256(backend, w, c.channels(), c.depth(), ints(c.channelsMultiple()));
        w.finish("ImprovedSupRes64to256" + c);
        return new SuperResDiffusionModel(backend, nets);
    }

    private static void ignorePresent(Weights w, StateDict sd) {
        for (String k : CLIP_UNUSED) if (sd.contains(k)) w.ignore(k);
    }

    private static int[] ints(java.util.List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }
}
