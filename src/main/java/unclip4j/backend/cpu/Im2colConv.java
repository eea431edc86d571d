package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import unclip4j.backend.OpShapes;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * conv2d as GEMM: per sample, {@code out[O, Ho·Wo] = W[O, C·k·k] · col[C·k·k, Ho·Wo]} where column
 * {@code (i, j)} of {@code col} holds the k×k input patch under output pixel (i, j). A 1×1 stride-1
 * unpadded conv needs no col: the input {@code [C, H·W]} already is it. The col buffer covers a band of
 * output rows at a time so it stays under {@link #COL_BYTES} whatever the image size.
 */
final class Im2colConv {
    static final long COL_BYTES = 64L << 20;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Reused across calls: a fresh 64 MiB buffer per conv costs as much zeroing as a small conv's GEMM. */
    private static final ScratchBuffer COLUMNS = new ScratchBuffer();

    private Im2colConv() {}

    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(input, weight, bias, stride, padding, COL_BYTES);
    }

    /** With an explicit col budget, so tests can force several bands. */
    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, long colBytes) {
        long[] os = OpShapes.conv2d(input, weight, bias, stride, padding);
        Tensor x = StridedCopy.f32(input), w = StridedCopy.f32(weight);
        int nb = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2);
        int ho = (int) os[2], wo = (int) os[3], plane = ho * wo, ckk = c * k * k;
        Tensor out = Tensor.zeros(DType.F32, os);
        MemorySegment xs = x.segment(), ws = w.segment(), ys = out.segment();
        float beta = 0f;
        if (bias != null) {
            fillBias(ys, bias.toFloatArray(), nb, o, plane);
            beta = 1f; // the GEMM accumulates onto the bias
        }
        if (k == 1 && stride == 1 && padding == 0) {
            for (int n = 0; n < nb; n++) {
                Sgemm.sgemm(false, false, o, plane, c, 1f, ws, 0, c, xs, (long) n * c * plane, plane, beta, ys, (long) n * o * plane, plane);
            }
            return out;
        }
        int band = (int) Math.max(1, Math.min(ho, colBytes / Float.BYTES / ((long) ckk * wo)));
        MemorySegment col = COLUMNS.get((long) ckk * band * wo * Float.BYTES); // fillColumns writes every element
        for (int n = 0; n < nb; n++) {
            long xBase = (long) n * c * h * wd;
            for (int i0 = 0; i0 < ho; i0 += band) {
                int rows = Math.min(band, ho - i0), cols = rows * wo;
                fillColumns(col, xs, xBase, c, h, wd, k, stride, padding, i0, rows, wo);
                Sgemm.sgemm(false, false, o, cols, ckk, 1f, ws, 0, ckk, col, 0, cols,
                        beta, ys, (long) n * o * plane + (long) i0 * wo, plane);
            }
        }
        return out;
    }

    /** Every output plane {@code (n, oc)} set to {@code bias[oc]}: planes in parallel, each a bulk copy. */
    private static void fillBias(MemorySegment ys, float[] bias, int nb, int o, int plane) {
        Parallel.forRange(nb * o, 8, (lo, hi) -> {
            float[] row = new float[plane];
            for (int item = lo; item < hi; item++) {
                Arrays.fill(row, bias[item % o]);
                MemorySegment.copy(row, 0, ys, F, (long) item * plane * Float.BYTES, plane);
            }
        });
    }

    /**
     * {@code col[(c·k + u)·k + v, (i − i0)·Wo + j] = x[c, i·s + u − p, j·s + v − p]} (0 outside the
     * input) for output rows {@code i0 .. i0+rows−1}; rows of col in parallel. Per output row, the
     * columns j whose input pixel is inside the image form one run [jLo, jHi): a bulk copy at stride 1,
     * with zeros written only on either side of it.
     */
    private static void fillColumns(MemorySegment col, MemorySegment xs, long xBase, int c, int h, int wd, int k,
                                    int stride, int padding, int i0, int rows, int wo) {
        long cols = (long) rows * wo;
        Parallel.forRange(c * k * k, 8, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ic = r / (k * k), u = (r / k) % k, v = r % k;
                int jLo = Math.clamp(Math.ceilDiv(padding - v, stride), 0, wo);
                int jHi = Math.clamp(Math.ceilDiv(wd + padding - v, stride), jLo, wo);
                long dst = r * cols;
                for (int i = i0; i < i0 + rows; i++, dst += wo) {
                    int y = i * stride + u - padding;
                    if (y < 0 || y >= h) {
                        zero(col, dst, wo);
                        continue;
                    }
                    long src = xBase + ((long) ic * h + y) * wd + v - padding; // input column of output column 0
                    zero(col, dst, jLo);
                    if (stride == 1) {
                        MemorySegment.copy(xs, F, (src + jLo) * Float.BYTES, col, F, (dst + jLo) * Float.BYTES, jHi - jLo);
                    } else {
                        for (int j = jLo; j < jHi; j++) col.setAtIndex(F, dst + j, xs.getAtIndex(F, src + (long) j * stride));
                    }
                    zero(col, dst + jHi, wo - jHi);
                }
            }
        });
    }

    private static void zero(MemorySegment s, long from, int count) {
        if (count > 0) s.asSlice(from * Float.BYTES, (long) count * Float.BYTES).fill((byte) 0);
    }
}
