package unclip4j.backend;

import java.util.Arrays;
import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * Argument checks and output shapes of the {@link Backend} ops, shared by every backend so that all
 * of them reject the same bad calls with the same message (an {@link IllegalArgumentException} naming
 * the shapes involved).
 */
public final class OpShapes {
    private OpShapes() {}

    /**
     * Sizes of a (possibly batched) product {@code op(A)·op(B)}: {@code [batch, m, k]·[batch, k, n]}; the
     * {@code *Batched} flags say which operands carry the batch axis (the others are shared).
     */
    public record Matmul(int batch, int m, int n, int k, boolean aBatched, boolean bBatched, boolean cBatched, long[] outShape) {}

    public static Matmul matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor bias, Tensor c0) {
        requireRank(a, "matmul A", 2, 3);
        requireRank(b, "matmul B", 2, 3);
        boolean aBatched = a.rank() == 3, bBatched = b.rank() == 3;
        int batch = aBatched ? a.dim(0) : bBatched ? b.dim(0) : 1;
        if (aBatched && bBatched && a.dim(0) != b.dim(0)) {
            throw new IllegalArgumentException("matmul batch sizes differ: A " + shape(a) + ", B " + shape(b));
        }
        int m = transA ? a.dim(-1) : a.dim(-2), ka = transA ? a.dim(-2) : a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2), n = transB ? b.dim(-2) : b.dim(-1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul inner sizes differ: A " + shape(a) + (transA ? "ᵀ" : "")
                    + " · B " + shape(b) + (transB ? "ᵀ" : ""));
        }
        boolean batched = aBatched || bBatched;
        long[] out = batched ? new long[] {batch, m, n} : new long[] {m, n};
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != n)) {
            throw new IllegalArgumentException("matmul bias " + shape(bias) + " must be [" + n + "]");
        }
        boolean cBatched = false;
        if (c0 != null) {
            cBatched = c0.rank() == 3;
            boolean ok = (c0.rank() == 2 && c0.dim(0) == m && c0.dim(1) == n)
                    || (batched && cBatched && Arrays.equals(c0.shape(), out));
            if (!ok) throw new IllegalArgumentException("matmul C0 " + shape(c0) + " must be " + Shape.toString(out) + " or [" + m + ", " + n + "]");
        }
        return new Matmul(batch, m, n, ka, aBatched, bBatched, cBatched, out);
    }

    /** Output shape {@code [N, O, Ho, Wo]} of a square-kernel convolution. */
    public static long[] conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        requireRank(x, "conv2d input", 4);
        requireRank(w, "conv2d weight", 4);
        if (w.dim(1) != x.dim(1) || w.dim(2) != w.dim(3)) {
            throw new IllegalArgumentException("conv2d weight " + shape(w) + " does not fit input " + shape(x) + " (need [O, C, k, k])");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("conv2d bias " + shape(bias) + " must be [" + w.dim(0) + "]");
        }
        if (stride < 1 || padding < 0) throw new IllegalArgumentException("conv2d stride " + stride + ", padding " + padding);
        int k = w.dim(2);
        long ho = (x.size(2) + 2L * padding - k) / stride + 1, wo = (x.size(3) + 2L * padding - k) / stride + 1;
        if (x.size(2) + 2L * padding < k || x.size(3) + 2L * padding < k) {
            throw new IllegalArgumentException("conv2d kernel " + k + " larger than padded input " + shape(x));
        }
        return new long[] {x.size(0), w.size(0), ho, wo};
    }

    public static void groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, Tensor scale, Tensor shift) {
        if (x.rank() < 2) throw new IllegalArgumentException("groupNorm input " + shape(x) + " needs rank >= 2 [N, C, ...]");
        int c = x.dim(1);
        if (groups < 1 || c % groups != 0) throw new IllegalArgumentException("groupNorm: " + c + " channels not divisible into " + groups + " groups");
        requireVector(gamma, c, "groupNorm gamma");
        requireVector(beta, c, "groupNorm beta");
        if ((scale == null) != (shift == null)) throw new IllegalArgumentException("groupNorm FiLM needs both scale and shift");
        long[] film = {x.size(0), c};
        if (scale != null && (!Arrays.equals(scale.shape(), film) || !Arrays.equals(shift.shape(), film))) {
            throw new IllegalArgumentException("groupNorm scale " + shape(scale) + " and shift " + shape(shift) + " must be " + Shape.toString(film));
        }
    }

    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta) {
        if (x.rank() < 1) throw new IllegalArgumentException("layerNorm of a scalar");
        requireVector(gamma, x.dim(-1), "layerNorm gamma");
        requireVector(beta, x.dim(-1), "layerNorm beta");
    }

    /** Checks that mask (if any) broadcasts to x without enlarging it. */
    public static void softmax(Tensor x, Tensor mask) {
        if (x.rank() < 1) throw new IllegalArgumentException("softmax of a scalar");
        if (mask != null && !Arrays.equals(Shape.broadcast(x.shape(), mask.shape()), x.shape())) {
            throw new IllegalArgumentException("softmax mask " + shape(mask) + " does not broadcast to input " + shape(x));
        }
    }

    /** Output shape {@code [B, H, Tq, Dv]} of attention. */
    public static long[] attention(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
        requireRank(q, "attention q", 4);
        requireRank(k, "attention k", 4);
        requireRank(v, "attention v", 4);
        long b = q.size(0), h = q.size(1), tk = k.size(2);
        boolean ok = k.size(0) == b && k.size(1) == h && k.size(3) == q.size(3)
                && v.size(0) == b && v.size(1) == h && v.size(2) == tk;
        if (!ok) throw new IllegalArgumentException("attention shapes do not fit: q " + shape(q) + ", k " + shape(k) + ", v " + shape(v));
        if (keyMask != null && !Arrays.equals(keyMask.shape(), new long[] {b, tk})) {
            throw new IllegalArgumentException("attention keyMask " + shape(keyMask) + " must be [" + b + ", " + tk + "]");
        }
        return new long[] {b, h, q.size(2), v.size(3)};
    }

    /** Output shape of concatenating xs along dim (all ranks, dtypes and other sizes equal). */
    public static long[] concat(int dim, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat of nothing");
        long[] out = xs[0].shape();
        int d = xs[0].axis(dim);
        out[d] = 0;
        for (Tensor x : xs) {
            long[] s = x.shape();
            boolean ok = s.length == out.length && x.dtype() == xs[0].dtype();
            for (int i = 0; ok && i < s.length; i++) ok = i == d || s[i] == out[i];
            if (!ok) throw new IllegalArgumentException("concat along " + dim + ": " + shape(x) + " " + x.dtype() + " does not fit " + shape(xs[0]) + " " + xs[0].dtype());
            out[d] += s[d];
        }
        return out;
    }

    public static long[] embedding(Tensor table, Tensor ids) {
        requireRank(table, "embedding table", 2);
        if (ids.dtype() != DType.I32 && ids.dtype() != DType.I64) throw new IllegalArgumentException("embedding ids must be I32 or I64, not " + ids.dtype());
        long[] s = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        s[ids.rank()] = table.size(1);
        return s;
    }

    /** Checks one id against the table size. */
    public static void embeddingId(long id, Tensor table) {
        if (id < 0 || id >= table.size(0)) throw new IllegalArgumentException("embedding id " + id + " out of range for table " + shape(table));
    }

    public static long[] upsampleNearest2x(Tensor x) {
        requireRank(x, "upsampleNearest2x input", 4);
        return new long[] {x.size(0), x.size(1), 2 * x.size(2), 2 * x.size(3)};
    }

    public static long[] avgPool2x2(Tensor x) {
        requireRank(x, "avgPool2x2 input", 4);
        if (x.size(2) % 2 != 0 || x.size(3) % 2 != 0) throw new IllegalArgumentException("avgPool2x2 needs even H and W, got " + shape(x));
        return new long[] {x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2};
    }

    public static void timestepEmbedding(Tensor t, int dim) {
        requireRank(t, "timestepEmbedding t", 1);
        if (dim < 2) throw new IllegalArgumentException("timestepEmbedding dim " + dim + " < 2");
        if (t.dtype() != DType.I64 && t.dtype() != DType.I32 && t.dtype() != DType.F32) {
            throw new IllegalArgumentException("timestepEmbedding t must be I64, I32 or F32, not " + t.dtype());
        }
    }

    public static long[] resizeBicubic(Tensor x, int outH, int outW) {
        requireRank(x, "resizeBicubic input", 4);
        if (outH < 1 || outW < 1 || x.size(2) < 1 || x.size(3) < 1) {
            throw new IllegalArgumentException("resizeBicubic " + shape(x) + " to " + outH + "x" + outW);
        }
        return new long[] {x.size(0), x.size(1), outH, outW};
    }

    public static void convert(Tensor x, DType dtype) {
        if (!isFloat16Or32(x.dtype()) || !isFloat16Or32(dtype)) {
            throw new IllegalArgumentException("convert supports F32, F16, BF16; got " + x.dtype() + " -> " + dtype);
        }
    }

    public static void randn(long offset, long... shape) {
        if (offset < 0) throw new IllegalArgumentException("randn offset " + offset + " < 0");
        Shape.numel(shape);
    }

    /** The input as a float tensor (F32, F16 or BF16) or an exception naming the op. */
    public static void requireFloat(Tensor t, String what) {
        if (!isFloat16Or32(t.dtype())) throw new IllegalArgumentException(what + " must be F32, F16 or BF16, not " + t.dtype());
    }

    public static void requireRank(Tensor t, String what, int... ranks) {
        for (int r : ranks) if (t.rank() == r) return;
        throw new IllegalArgumentException(what + " " + shape(t) + " must have rank " + Arrays.toString(ranks).replaceAll("[\\[\\]]", "").replace(", ", " or "));
    }

    private static void requireVector(Tensor t, int n, String what) {
        if (t != null && (t.rank() != 1 || t.dim(0) != n)) throw new IllegalArgumentException(what + " " + shape(t) + " must be [" + n + "]");
    }

    private static boolean isFloat16Or32(DType d) {
        return d == DType.F32 || d == DType.F16 || d == DType.BF16;
    }

    private static String shape(Tensor t) {
        return Shape.toString(t.shape());
    }
}
