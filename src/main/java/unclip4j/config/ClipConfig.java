package unclip4j.config;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.StateDict;
import unclip4j.tensor.Shape;

/**
 * CLIP's hyper-parameters, as openai/CLIP {@code build_model} (and Karlo's loader) derive them from weight
 * shapes; a text-only CLIP has zero vision fields. Refused values are named by build_model's variables.
 */
public record ClipConfig(
        int embedDim,        // text_projection.shape[1]
        int visionWidth,     // visual.conv1.weight.shape[0]
        int visionLayers,    // number of visual.transformer.resblocks.<i>
        int visionPatchSize, // visual.conv1.weight.shape[-1]
        int imageResolution, // patch × √(visual.positional_embedding.shape[0] − 1)
        int contextLength,   // positional_embedding.shape[0]
        int vocabSize,       // token_embedding.weight.shape[0]
        int textWidth,       // ln_final.weight.shape[0]
        int textHeads,       // textWidth / 64
        int textLayers) {    // number of transformer.resblocks.<i>

    public ClipConfig {
        Limits.within("embed_dim", embedDim, 1, Limits.MAX_WIDTH);
        headWidths("transformer_width", textWidth, "transformer_heads", textHeads);
        Limits.within("transformer_layers", textLayers, 1, Limits.MAX_LAYERS);
        Limits.within("context_length", contextLength, 1, Limits.MAX_TOKENS);
        Limits.within("vocab_size", vocabSize, 1, Limits.MAX_VOCAB);
        if (visionWidth != 0) {
            headWidths("vision_width", visionWidth, "vision_heads", visionWidth / HEAD_WIDTH);
            Limits.within("vision_layers", visionLayers, 1, Limits.MAX_LAYERS);
            Limits.within("vision_patch_size", visionPatchSize, 1, Limits.MAX_RESOLUTION);
            Limits.within("image_resolution", imageResolution, visionPatchSize, Limits.MAX_RESOLUTION);
            if (imageResolution % visionPatchSize != 0) {
                throw new InvalidSetting("image_resolution", imageResolution + " is not a multiple of vision_patch_size " + visionPatchSize);
            }
        }
    }

    /** build_model gives every head 64 channels. */
    private static final int HEAD_WIDTH = 64;

    private static void headWidths(String widthKey, int width, String headsKey, int heads) {
        Limits.within(widthKey, width, HEAD_WIDTH, Limits.MAX_WIDTH);
        if (width % HEAD_WIDTH != 0 || heads != width / HEAD_WIDTH) {
            throw new InvalidSetting(widthKey, width + " is not " + headsKey + " " + heads + " × " + HEAD_WIDTH + " (build_model's head width)");
        }
    }

    /** ViT-L/14, Karlo v1.0 alpha's CLIP. */
    public static ClipConfig vitL14() {
        return new ClipConfig(768, 1024, 24, 14, 224, 77, 49408, 768, 12, 12);
    }

    public int visionHeads() {
        return visionWidth / HEAD_WIDTH;
    }

    public int gridSize() {
        return imageResolution / visionPatchSize;
    }

    private static final Pattern VISION_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight$");
    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");

    /**
     * Reads shapes only, never data; a state dict under OpenAI CLIP names. A text-only state dict
     * (diffusers' {@code text_encoder/} without {@code image_encoder/}) gets zero vision fields.
     */
    public static ClipConfig fromStateDict(StateDict sd) {
        boolean hasVision = sd.keys().stream().anyMatch(k -> k.startsWith("visual."));
        if (hasVision && !sd.contains("visual.proj")) {
            throw new CheckpointException(sd.source() + ": not a CLIP ViT state dict (no visual.proj; ResNet CLIP is not supported)");
        }
        int visionLayers = 0;
        Set<String> textBlocks = new HashSet<>();
        for (String k : sd.keys()) {
            if (VISION_BLOCK.matcher(k).matches()) visionLayers++;
            Matcher m = TEXT_BLOCK.matcher(k);
            if (m.find()) textBlocks.add(m.group(1));
        }
        int patch = hasVision ? dim(sd, "visual.conv1.weight", 3) : 0;
        long grid = hasVision ? Math.round(Math.sqrt(dim(sd, "visual.positional_embedding", 0) - 1.0)) : 0;
        int textWidth = dim(sd, "ln_final.weight", 0);
        try {
            return new ClipConfig(dim(sd, "text_projection", 1), hasVision ? dim(sd, "visual.conv1.weight", 0) : 0, visionLayers, patch,
                    (int) Math.min(patch * grid, Integer.MAX_VALUE), dim(sd, "positional_embedding", 0), dim(sd, "token_embedding.weight", 0),
                    textWidth, textWidth / HEAD_WIDTH, textBlocks.size());
        } catch (InvalidSetting e) {
            throw new CheckpointException(sd.source() + ": CLIP's " + e.getMessage() + " (from the tensor shapes, as build_model reads them)");
        }
    }

    /** One dimension of a tensor's shape; beyond int it saturates, for the bounds to refuse it by name. */
    private static int dim(StateDict sd, String key, int axis) {
        if (!sd.contains(key)) throw new CheckpointException(sd.source() + ": not a CLIP state dict (no " + key + ")");
        long[] shape = sd.info(key).shape();
        if (shape.length <= axis) throw new CheckpointException(sd.source() + ": " + key + " has shape " + Shape.toString(shape) + ", fewer axes than CLIP's");
        return (int) Math.min(shape[axis], Integer.MAX_VALUE);
    }
}
