package unclip4j.model.unet;

/**
 * Sees where an {@link AttentionBlock} looks among the encoder tokens (the image embedding's tokens,
 * then the caption's), for visualising cross-attention. Given to a forward pass; null means no probe,
 * and then nothing extra is computed.
 */
@FunctionalInterface
public interface AttentionProbe {
    /**
     * @param module  the block's checkpoint prefix, e.g. {@code input_blocks.7.1}
     * @param height  rows of the block's feature map
     * @param width   columns of the block's feature map
     * @param weights sample 0's attention weights, averaged over heads: {@code [height·width][S]}, row-major,
     *                for the S encoder tokens (each row sums to the share of attention the encoder tokens get;
     *                the rest goes to the spatial positions)
     */
    void record(String module, int height, int width, float[] weights);
}
