package unclip4j.config;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.StateDict;

/** CLIP's hyper-parameters, as openai/CLIP {@code build_model} (and Karlo's loader) derive them from weight shapes. */
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

    /** ViT-L/14, Karlo v1.0 alpha's CLIP. */
    public static ClipConfig vitL14() {
        return new ClipConfig(768, 1024, 24, 14, 224, 77, 49408, 768, 12, 12);
    }

    public int visionHeads() {
        return visionWidth / 64;
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
        for (String k : new String[] {"text_projection", "positional_embedding", "token_embedding.weight", "ln_final.weight"}) {
            if (!sd.contains(k)) throw new CheckpointException(sd.source() + ": not a CLIP state dict (no " + k + ")");
        }
        long[] conv1 = hasVision ? sd.info("visual.conv1.weight").shape() : new long[] {0, 0, 0, 0};
        long[] pos = hasVision ? sd.info("visual.positional_embedding").shape() : new long[] {1, 0};
        int visionLayers = 0;
        Set<String> textBlocks = new HashSet<>();
        for (String k : sd.keys()) {
            if (VISION_BLOCK.matcher(k).matches()) visionLayers++;
            Matcher m = TEXT_BLOCK.matcher(k);
            if (m.find()) textBlocks.add(m.group(1));
        }
        int patch = (int) conv1[conv1.length - 1];
        int grid = (int) Math.round(Math.sqrt(pos[0] - 1));
        int textWidth = (int) sd.info("ln_final.weight").shape()[0];
        return new ClipConfig(
                (int) sd.info("text_projection").shape()[1],
                (int) conv1[0],
                visionLayers,
                patch,
                patch * grid,
                (int) sd.info("positional_embedding").shape()[0],
                (int) sd.info("token_embedding.weight").shape()[0],
                textWidth,
                textWidth / 64,
                textBlocks.size());
    }
}
