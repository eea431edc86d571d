package unclip4j.model;

/**
 * Sees where an attention layer looks among its tokens, for visualising attention: the decoder's
 * {@code AttentionBlock}s report each position's weights on the encoder tokens (the image embedding's,
 * then the caption's), the prior's layers the weights of the query token it reads its output from.
 * Given to a forward pass; null means no probe, and then nothing extra is computed.
 */
@FunctionalInterface
public interface AttentionProbe {
    /**
     * @param module  the layer's checkpoint prefix, e.g. {@code model.input_blocks.7.1}
     * @param height  rows of the querying positions (a feature map), 1 for a single query
     * @param width   columns of the querying positions, 1 for a single query
     * @param weights sample 0's attention weights, averaged over heads: {@code [height·width][S]}, row-major,
     *                for the S tokens reported (each row sums to their share of the attention; the decoder's
     *                spatial keys get the rest)
     */
    void record(String module, int height, int width, float[] weights);
}
