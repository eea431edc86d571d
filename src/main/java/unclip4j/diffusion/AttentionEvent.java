package unclip4j.diffusion;

import java.util.List;

/**
 * Where one attention layer looked during a guided prediction at timestep t, for sample 0 (the
 * conditional half), averaged over heads: {@code weights[p·tokens + j]} is the weight query position
 * p (row-major over height × width; 1 × 1 for a single query) gives token j. The tokens are
 * {@code before}, then the caption's {@code textTokens} (padding gets 0), then {@code after}:
 * <ul>
 *   <li>decoder: each pixel of an attention block's feature map, over the image embedding's tokens
 *       and the caption's; each row sums to their share, the pixels' own keys get the rest;
 *   <li>prior: the query token whose output is the prediction, over the caption's tokens and the
 *       text embedding, timestep, x_t and query tokens; each row sums to 1.
 * </ul>
 * Delivered before the {@link GuidanceEvent} of the same prediction, once per layer.
 */
public record AttentionEvent(String stage, long t, String module, int height, int width,
                             List<String> before, int textTokens, List<String> after, float[] weights) {
    public AttentionEvent {
        before = List.copyOf(before);
        after = List.copyOf(after);
        if (weights.length != height * width * (before.size() + textTokens + after.size())) {
            throw new IllegalArgumentException(module + ": " + weights.length + " weights for " + height + "×" + width + " queries and "
                    + (before.size() + textTokens + after.size()) + " tokens");
        }
    }

    /** Tokens per query position. */
    public int tokens() {
        return before.size() + textTokens + after.size();
    }
}
