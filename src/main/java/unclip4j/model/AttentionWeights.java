package unclip4j.model;

import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;

/**
 * The attention weights an {@link AttentionProbe} is shown. The fused {@link Backend#attention} never
 * forms them, so they are computed once more, for one sample: {@code softmax(scale·q·kᵀ + mask)}.
 */
public final class AttentionWeights {
    private AttentionWeights() {}

    /**
     * q {@code [H, Tq, D]} and k {@code [H, Tk, D]} of one sample, its additive key mask {@code [Tk]}:
     * the weights on the first {@code keys} keys, averaged over the H heads, {@code [Tq][keys]} row-major on the host.
     */
    public static float[] meanOverHeads(Backend backend, Tensor q, Tensor k, Tensor keyMask, float scale, int keys) {
        int heads = q.dim(0), tq = q.dim(1);
        Tensor logits = backend.matmul(q, false, k, true, scale, null, null, 0f);           // [H, Tq, Tk]
        Tensor weights = backend.softmax(logits, keyMask).slice(2, 0, keys);                // [H, Tq, keys]
        float[] all = backend.download(backend.contiguous(weights)).toFloatArray(), out = new float[tq * keys];
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < out.length; p++) out[p] += all[h * out.length + p] / heads;
        }
        return out;
    }
}
