package unclip4j.config;

import java.util.List;

/**
 * The sizes a config may ask for. Each bound is far above Karlo v1.0 alpha's value (the comment
 * says by how much): a config beyond it is broken or hostile, not large, and is refused by key
 * before it costs memory or fails deep inside a stage.
 */
final class Limits {
    private Limits() {}

    /** Text tokens: 53 × Karlo's 77. */
    static final int MAX_TOKENS = 4096;
    /** Transformer and embedding widths: 32 × the prior's 2048, 64 × ViT-L's 1024. */
    static final int MAX_WIDTH = 65536;
    /** Transformer layers: 51 × the prior's 20, 42 × ViT-L's 24. */
    static final int MAX_LAYERS = 1024;
    /** CLIP's vocabulary: 21 × its BPE's 49408. */
    static final int MAX_VOCAB = 1 << 20;
    /** CLIP's input resolution: 9 × ViT-L/14's 224. */
    static final int MAX_RESOLUTION = 2048;
    /** A U-Net's sample size in pixels: 16 × the decoder's 64. */
    static final int MAX_IMAGE_SIZE = 1024;
    /** A U-Net level's width (model channels × multiplier): 12.8 × Karlo's widest, 320 × 4. */
    static final int MAX_LEVEL_WIDTH = 16384;
    /** Res blocks per U-Net level: 21 × Karlo's 3. */
    static final int MAX_RES_BLOCKS = 64;
    /** U-Net levels: twice the 6 guided-diffusion has at 256 px (Karlo's decoder and SR have 4). */
    static final int MAX_LEVELS = 12;
    /** The decoder's extra context tokens from the image embedding (clip_emb_mult): 16 × Karlo's 4. */
    static final int MAX_CLIP_TOKENS = 64;
    /** guided-diffusion normalises every U-Net level with GroupNorm32: its width must split into 32 groups. */
    private static final int GROUPS = 32;

    /** value, if within min..max. */
    static int within(String key, int value, int min, int max) {
        if (value < min || value > max) throw new InvalidSetting(key, "is " + value + ", outside " + min + ".." + max);
        return value;
    }

    /** A U-Net's levels: 1..MAX_LEVELS multipliers, each giving a width of whole GroupNorm groups up to MAX_LEVEL_WIDTH. */
    static void levelWidths(String channelsKey, int channels, String multKey, List<Integer> mult) {
        within(channelsKey, channels, 1, MAX_LEVEL_WIDTH);
        if (mult.isEmpty() || mult.size() > MAX_LEVELS) {
            throw new InvalidSetting(multKey, "has " + mult.size() + " levels, outside 1.." + MAX_LEVELS);
        }
        for (int m : mult) {
            long width = (long) channels * m;
            if (width < GROUPS || width > MAX_LEVEL_WIDTH || width % GROUPS != 0) {
                throw new InvalidSetting(multKey, mult + " with " + channelsKey + " " + channels + " gives a level " + width
                        + " wide; each level must be a multiple of " + GROUPS + " (GroupNorm's groups) up to " + MAX_LEVEL_WIDTH);
            }
        }
    }
}
