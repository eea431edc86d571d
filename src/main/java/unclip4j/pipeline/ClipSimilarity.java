package unclip4j.pipeline;

import unclip4j.tensor.Tensor;

/**
 * Cosine similarity of CLIP embeddings, as CLIP's {@code forward} computes its logits before the
 * {@code logit_scale} factor: both sides L2-normalised, then every row of one against every row of
 * the other. Used to compare pictures with prompts and to rank samples by their prompt.
 */
public final class ClipSimilarity {
    private ClipSimilarity() {}

    /**
     * @param rows    {@code [N, D]} host embeddings, e.g. {@code img_feat} of N pictures
     * @param columns {@code [M, D]} host embeddings, e.g. {@code txt_feat} of M prompts
     * @return {@code [N][M]} cosines in [-1, 1] (computed in double); NaN where a row or column is all zeros
     */
    public static double[][] cosine(Tensor rows, Tensor columns) {
        if (rows.rank() != 2 || columns.rank() != 2 || rows.size(1) != columns.size(1)) {
            throw new IllegalArgumentException("cosine similarity needs [N, D] and [M, D] embeddings, got " + rows + " and " + columns);
        }
        double[][] a = normalizedRows(rows), b = normalizedRows(columns);
        double[][] cos = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double dot = 0;
                for (int k = 0; k < a[i].length; k++) dot += a[i][k] * b[j][k];
                cos[i][j] = Math.clamp(dot, -1.0, 1.0); // clamp: rounding can overshoot ±1 by an ulp; NaN stays NaN
            }
        }
        return cos;
    }

    private static double[][] normalizedRows(Tensor t) {
        int n = t.dim(0), d = t.dim(1);
        double[] flat = t.toDoubleArray();
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            double sumSq = 0;
            for (int k = 0; k < d; k++) sumSq += flat[i * d + k] * flat[i * d + k];
            double norm = Math.sqrt(sumSq);
            for (int k = 0; k < d; k++) out[i][k] = flat[i * d + k] / norm;
        }
        return out;
    }
}
