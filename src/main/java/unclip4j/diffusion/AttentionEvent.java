package unclip4j.diffusion;

/**
 * Where one attention block looked among the encoder tokens during a guided prediction at timestep
 * t, for sample 0 (conditional half), averaged over heads: {@code weights[p·tokens + j]} is the
 * weight position p (row-major over height × width) gives encoder token j. The first
 * {@code imageTokens} tokens come from the image embedding, the rest are the caption's (padding
 * tokens get 0). Each row sums to the share the encoder tokens get; the rest goes to the spatial keys.
 * Delivered before the {@link GuidanceEvent} of the same prediction, once per block.
 */
public record AttentionEvent(String stage, long t, String module, int height, int width, int imageTokens, float[] weights) {
    /** Encoder tokens per position. */
    public int tokens() {
        return weights.length / (height * width);
    }
}
