package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import unclip4j.backend.OpShapes;
import unclip4j.tensor.DType;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Tensor;

/**
 * Scaled dot-product attention that holds at most {@link #QUERY_BLOCK} rows of the score matrix per
 * thread: for each (batch, head, block of queries), {@code S = scale·Q_blk·Kᵀ} (Sgemm), add the key
 * mask and the causal mask, softmax each row, {@code O_blk = S·V} (Sgemm). Work items run in parallel.
 */
final class BlockedAttention {
    /** 128 rows × (81 + 1024) keys of the decoder's largest attention is about 0.5 MiB of scores. */
    static final int QUERY_BLOCK = 128;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private BlockedAttention() {}

    static Tensor attention(VectorKernels kernels, Tensor query, Tensor key, Tensor value, Tensor keyMask, boolean causal, float scale) {
        long[] os = OpShapes.attention(query, key, value, keyMask);
        Tensor q = StridedCopy.f32(query), k = StridedCopy.f32(key), v = StridedCopy.f32(value);
        Tensor mask = keyMask == null ? null : StridedCopy.f32(keyMask);
        int nb = q.dim(0), nh = q.dim(1), tq = q.dim(2), d = q.dim(3), tk = k.dim(2), dv = v.dim(3);
        Tensor out = Tensor.zeros(DType.F32, os);
        if (out.numel() == 0) return out;
        MemorySegment qs = q.segment(), ks = k.segment(), vs = v.segment(), ys = out.segment();
        MemorySegment ms = mask == null ? null : mask.segment();
        int blocks = (tq + QUERY_BLOCK - 1) / QUERY_BLOCK;
        Parallel.forRange(nb * nh * blocks, 1, (lo, hi) -> {
            MemorySegment scores = HostStorage.allocate((long) Math.min(QUERY_BLOCK, tq) * tk * Float.BYTES).segment();
            for (int item = lo; item < hi; item++) {
                int bh = item / blocks, b = bh / nh, i0 = (item % blocks) * QUERY_BLOCK, rows = Math.min(QUERY_BLOCK, tq - i0);
                Sgemm.sgemm(false, true, rows, tk, d, scale, qs, ((long) bh * tq + i0) * d, d,
                        ks, (long) bh * tk * d, d, 0f, scores, 0, tk);
                for (int r = 0; r < rows; r++) {
                    long row = (long) r * tk;
                    if (ms != null) kernels.binary(VectorKernels.Binary.ADD, scores, row, 1, ms, (long) b * tk, 1, scores, row, tk);
                    if (causal) {
                        // key j is hidden from query i when j > i + (Tk − Tq)
                        for (int j = Math.max(0, i0 + r + (tk - tq) + 1); j < tk; j++) scores.setAtIndex(F, row + j, Float.NEGATIVE_INFINITY);
                    }
                    kernels.softmaxInPlace(scores, row, tk);
                }
                Sgemm.sgemm(false, false, rows, dv, tk, 1f, scores, 0, tk, vs, (long) bh * tk * dv, dv,
                        0f, ys, ((long) bh * tq + i0) * dv, dv);
            }
        });
        return out;
    }
}
