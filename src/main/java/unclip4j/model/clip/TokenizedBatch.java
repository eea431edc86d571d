package unclip4j.model.clip;

import java.util.Arrays;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * A batch of prompts as fixed-length token rows: what Karlo's {@code padded_tokens_and_mask} returns.
 *
 * @param tokens    (B, T) ids: SOT, BPE ids, EOT, then the pad id
 * @param mask      (B, T) true from SOT to EOT, false on padding
 * @param lengths   (B) tokens per prompt before truncation, SOT and EOT included
 * @param truncated (B) whether the row was cut to T with its last token forced to EOT
 */
public record TokenizedBatch(int[][] tokens, boolean[][] mask, int[] lengths, boolean[] truncated) {

    /** Rows [from, to), for encoding a large batch a part at a time. */
    public TokenizedBatch rows(int from, int to) {
        return new TokenizedBatch(Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(mask, from, to),
                Arrays.copyOfRange(lengths, from, to), Arrays.copyOfRange(truncated, from, to));
    }

    /** The tokens as an I32 tensor (B, T), Karlo's dtype. */
    public Tensor tokensTensor() {
        int b = tokens.length, t = tokens[0].length;
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) System.arraycopy(tokens[i], 0, flat, i * t, t);
        return Tensor.ofInts(flat, b, t);
    }

    /** The mask as a BOOL tensor (B, T). */
    public Tensor maskTensor() {
        int b = mask.length, t = mask[0].length;
        byte[] flat = new byte[b * t];
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) flat[i * t + j] = (byte) (mask[i][j] ? 1 : 0);
        return Tensor.ofBytes(flat, DType.BOOL, b, t);
    }
}
