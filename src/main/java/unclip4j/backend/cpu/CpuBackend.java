package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import unclip4j.backend.Backend;
import unclip4j.backend.OpShapes;
import unclip4j.backend.Philox;
import unclip4j.tensor.DType;
import unclip4j.tensor.Device;
import unclip4j.tensor.Half;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;
import unclip4j.config.JvmSettings;

/**
 * The fast CPU backend: Vector API loops ({@link VectorKernels}, scalar when
 * {@code -Dunclip4j.cpu.vector=false}), GEMM-based matmul, conv2d ({@link Im2colConv}, or {@link WinogradConv}
 * for large 3×3 convolutions: {@link ConvAlgorithm}) and attention
 * ({@link BlockedAttention}), all spread over the {@link Parallel} pool. Inputs of any layout and of
 * F16/BF16 type are first made contiguous F32 (weights are widened once per call, not cached: a
 * cache would double the resident model). Layout ops keep the dtype; all others return F32.
 */
public final class CpuBackend implements Backend {
    /** System property that switches the Vector API off (scalar loops everywhere). */
    public static final String VECTOR_PROPERTY = "unclip4j.cpu.vector";
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Elementwise loops are cut into chunks of at least this many floats per thread. */
    private static final int GRAIN = 1 << 14;

    private final VectorKernels kernels;
    private final ConvAlgorithm conv;

    /** Vector API on unless {@code -Dunclip4j.cpu.vector=false}; 3×3 convolutions as {@code -Dunclip4j.cpu.conv} says. */
    public CpuBackend() {
        this(ConvAlgorithm.fromProperty());
    }

    /** Vector API on unless {@code -Dunclip4j.cpu.vector=false}, with this conv algorithm. */
    public CpuBackend(ConvAlgorithm conv) {
        this(JvmSettings.flag(VECTOR_PROPERTY, true), conv);
    }

    public CpuBackend(boolean vector, ConvAlgorithm conv) {
        this.kernels = new VectorKernels(vector);
        this.conv = conv;
    }

    /** "cpu-vector" or "cpu-scalar", and the conv algorithm when it is not the default. */
    @Override
    public String name() {
        String loops = kernels.vector() ? "cpu-vector" : "cpu-scalar";
        return conv == ConvAlgorithm.AUTO ? loops : loops + " conv=" + conv.label();
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Tensor upload(Tensor host) {
        return requireHost(host);
    }

    @Override
    public Tensor download(Tensor t) {
        return requireHost(t);
    }

    // ------------------------------------------------------------------ matrix products

    @Override
    public Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, float alpha, Tensor bias, Tensor c0, float beta) {
        OpShapes.Matmul mm = OpShapes.matmul(a, transA, b, transB, bias, c0);
        int m = mm.m(), n = mm.n(), k = mm.k(), batch = mm.batch();
        MemorySegment as = f32(a).segment(), bs = f32(b).segment();
        Tensor out = Tensor.zeros(DType.F32, mm.outShape());
        MemorySegment ys = out.segment();
        long mn = (long) m * n;
        // C starts as beta·C0 + bias, and the GEMM accumulates onto it
        float gemmBeta = c0 != null || bias != null ? 1f : 0f;
        if (c0 != null) {
            MemorySegment cs = f32(c0).segment();
            for (int bi = 0; bi < batch; bi++) {
                long src = mm.cBatched() ? bi * mn : 0, dst = bi * mn;
                Parallel.forRange(m, rowGrain(n), (lo, hi) -> kernels.scaleShift(cs, src + (long) lo * n, ys, dst + (long) lo * n, (hi - lo) * n, 0f, beta, 0f, false));
            }
        }
        if (bias != null) {
            MemorySegment bv = f32(bias).segment();
            Parallel.forRange(batch * m, rowGrain(n), (lo, hi) -> {
                for (int r = lo; r < hi; r++) kernels.binary(VectorKernels.Binary.ADD, ys, (long) r * n, 1, bv, 0, 1, ys, (long) r * n, n);
            });
        }
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (batch >= Parallel.threads()) {
            Parallel.forRange(batch, 1, (lo, hi) -> {
                for (int bi = lo; bi < hi; bi++) {
                    Sgemm.sgemm(transA, transB, m, n, k, alpha, as, mm.aBatched() ? bi * (long) m * k : 0, lda,
                            bs, mm.bBatched() ? bi * (long) k * n : 0, ldb, gemmBeta, ys, bi * mn, n);
                }
            });
        } else {
            for (int bi = 0; bi < batch; bi++) {
                Sgemm.sgemm(transA, transB, m, n, k, alpha, as, mm.aBatched() ? bi * (long) m * k : 0, lda,
                        bs, mm.bBatched() ? bi * (long) k * n : 0, ldb, gemmBeta, ys, bi * mn, n);
            }
        }
        return out;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        OpShapes.conv2d(x, w, bias, stride, padding); // first, so that choosing the algorithm never meets a bad rank
        WinogradConv.Tiling tiling = conv.tiling(x, w, stride, padding);
        return tiling == null ? Im2colConv.conv2d(x, w, bias, stride, padding) : WinogradConv.conv2d(x, w, bias, tiling, kernels.vector());
    }

    /** The algorithm {@link #conv2d} runs for these arguments: im2col, winograd_f2 or winograd_f4 (for profiles). */
    public String conv2dAlgorithm(Tensor x, Tensor w, int stride, int padding) {
        WinogradConv.Tiling tiling = conv.tiling(x, w, stride, padding);
        return tiling == null ? "im2col" : tiling.name();
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * Two-pass statistics per (sample, group), then one fused pass per channel:
     * {@code y = (x − μ)·a_c + b_c} with {@code a_c = rstd·γ_c·(1+scale)}, {@code b_c = β_c·(1+scale) + shift},
     * and SiLU in the same loop.
     */
    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, Tensor scale, Tensor shift, boolean silu) {
        OpShapes.groupNorm(x, groups, gamma, beta, scale, shift);
        if (x.numel() == 0) return Tensor.zeros(DType.F32, x.shape());
        Tensor xc = f32(x);
        int nb = xc.dim(0), c = xc.dim(1), cg = c / groups;
        int spatial = Math.toIntExact(xc.numel() / ((long) nb * c));
        float[] g = gamma == null ? null : gamma.toFloatArray(), bt = beta == null ? null : beta.toFloatArray();
        float[] sc = scale == null ? null : scale.toFloatArray(), sh = shift == null ? null : shift.toFloatArray();
        Tensor out = Tensor.zeros(DType.F32, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(nb * groups, 1, (lo, hi) -> {
            for (int item = lo; item < hi; item++) {
                int n = item / groups, gi = item % groups, size = cg * spatial;
                long start = ((long) n * c + (long) gi * cg) * spatial;
                float mean = (float) (kernels.sum(xs, start, size) / size);
                double var = kernels.sumSquaredDeviation(xs, start, size, mean) / size;
                double rstd = 1 / Math.sqrt(var + eps);
                for (int ch = gi * cg; ch < (gi + 1) * cg; ch++) {
                    double gamma1 = g == null ? 1 : g[ch], beta1 = bt == null ? 0 : bt[ch];
                    double film = sc == null ? 1 : 1 + (double) sc[n * c + ch], filmShift = sh == null ? 0 : sh[n * c + ch];
                    double a = rstd * gamma1 * film, b = beta1 * film + filmShift;
                    long off = ((long) n * c + ch) * spatial;
                    kernels.scaleShift(xs, off, ys, off, spatial, mean, (float) a, (float) b, silu);
                }
            }
        });
        return out;
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        OpShapes.layerNorm(x, gamma, beta);
        Tensor xc = f32(x);
        int d = xc.dim(-1), rows = d == 0 ? 0 : Math.toIntExact(xc.numel() / d);
        MemorySegment gs = gamma == null ? null : f32(gamma).segment(), bs = beta == null ? null : f32(beta).segment();
        Tensor out = Tensor.zeros(DType.F32, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(rows, rowGrain(d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                long off = (long) r * d;
                float mean = (float) (kernels.sum(xs, off, d) / d);
                double var = kernels.sumSquaredDeviation(xs, off, d, mean) / d;
                kernels.normalize(xs, off, ys, off, d, mean, (float) (1 / Math.sqrt(var + eps)), gs, bs);
            }
        });
        return out;
    }

    /** Softmax over the last axis of {@code x + mask}; a fully masked row throws IllegalArgumentException. */
    @Override
    public Tensor softmax(Tensor x, Tensor mask) {
        OpShapes.softmax(x, mask);
        Tensor out = mask == null ? freshF32(x) : add(x, mask);
        int d = out.dim(-1), rows = d == 0 ? 0 : Math.toIntExact(out.numel() / d);
        MemorySegment ys = out.segment();
        Parallel.forRange(rows, rowGrain(d), (lo, hi) -> {
            for (int r = lo; r < hi; r++) kernels.softmaxInPlace(ys, (long) r * d, d);
        });
        return out;
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale) {
        return BlockedAttention.attention(kernels, q, k, v, keyMask, causal, scale);
    }

    // ------------------------------------------------------------------ activations

    @Override
    public Tensor gelu(Tensor x) {
        return unary(VectorKernels.Unary.GELU, x);
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return unary(VectorKernels.Unary.QUICK_GELU, x);
    }

    @Override
    public Tensor silu(Tensor x) {
        return unary(VectorKernels.Unary.SILU, x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return unary(VectorKernels.Unary.EXP, x);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(VectorKernels.Binary.ADD, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary(VectorKernels.Binary.SUB, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary(VectorKernels.Binary.MUL, a, b);
    }

    @Override
    public Tensor affine(Tensor x, float a, float b) {
        Tensor xc = f32(x), out = Tensor.zeros(DType.F32, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(Math.toIntExact(xc.numel()), GRAIN, (lo, hi) -> kernels.scaleShift(xs, lo, ys, lo, hi - lo, 0f, a, b, false));
        return out;
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        Tensor xc = f32(x), out = Tensor.zeros(DType.F32, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(Math.toIntExact(xc.numel()), GRAIN, (i0, i1) -> kernels.clamp(xs, i0, ys, i0, i1 - i0, lo, hi));
        return out;
    }

    // ------------------------------------------------------------------ layout

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        long[] os = OpShapes.concat(dim, xs);
        int d = xs[0].axis(dim), es = xs[0].dtype().byteSize();
        long outer = 1;
        for (int i = 0; i < d; i++) outer *= os[i];
        long outRow = Shape.numel(os) / Math.max(outer, 1) * es;
        Tensor out = Tensor.zeros(xs[0].dtype(), os);
        MemorySegment ys = out.segment();
        long at = 0;
        for (Tensor x : xs) {
            MemorySegment s = x.isContiguous() ? x.segment() : StridedCopy.contiguous(x).segment();
            long row = x.numel() / Math.max(outer, 1) * es, col = at;
            Parallel.forRange(Math.toIntExact(outer), (int) Math.max(1, GRAIN * 4L / Math.max(row, 1)), (lo, hi) -> {
                for (long o = lo; o < hi; o++) MemorySegment.copy(s, o * row, ys, o * outRow + col, row);
            });
            at += row;
        }
        return out;
    }

    @Override
    public Tensor contiguous(Tensor x) {
        return StridedCopy.contiguous(requireHost(x));
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        long[] os = OpShapes.embedding(table, ids);
        long[] idv = ids.toLongArray();
        int dim = table.dim(1);
        Tensor out = Tensor.zeros(DType.F32, os);
        MemorySegment ys = out.segment();
        for (int i = 0; i < idv.length; i++) {
            OpShapes.embeddingId(idv[i], table);
            // widen only the rows we need: the table may be a large F16 checkpoint tensor
            Tensor row = f32(table.select(0, idv[i]));
            MemorySegment.copy(row.segment(), 0, ys, (long) i * dim * Float.BYTES, (long) dim * Float.BYTES);
        }
        return out;
    }

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        long[] os = OpShapes.upsampleNearest2x(x);
        Tensor xc = f32(x), out = Tensor.zeros(DType.F32, os);
        int h = xc.dim(2), w = xc.dim(3), planes = xc.dim(0) * xc.dim(1);
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(planes, 1, (lo, hi) -> {
            for (long p = lo; p < hi; p++) {
                for (int y = 0; y < h; y++) {
                    long src = (p * h + y) * w, dst = (p * 2 * h + 2 * y) * 2 * w;
                    for (int xx = 0; xx < w; xx++) {
                        float v = xs.getAtIndex(F, src + xx);
                        ys.setAtIndex(F, dst + 2 * xx, v);
                        ys.setAtIndex(F, dst + 2 * xx + 1, v);
                    }
                    // the second output row repeats the first
                    MemorySegment.copy(ys, dst * Float.BYTES, ys, (dst + 2L * w) * Float.BYTES, 2L * w * Float.BYTES);
                }
            }
        });
        return out;
    }

    @Override
    public Tensor avgPool2x2(Tensor x) {
        long[] os = OpShapes.avgPool2x2(x);
        Tensor xc = f32(x), out = Tensor.zeros(DType.F32, os);
        int h = xc.dim(2), w = xc.dim(3), planes = xc.dim(0) * xc.dim(1);
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(planes, 1, (lo, hi) -> {
            for (long p = lo; p < hi; p++) {
                for (int y = 0; y < h / 2; y++) {
                    long top = (p * h + 2 * y) * w, bottom = top + w, dst = (p * (h / 2) + y) * (w / 2);
                    for (int xx = 0; xx < w / 2; xx++) {
                        float sum = xs.getAtIndex(F, top + 2 * xx) + xs.getAtIndex(F, top + 2 * xx + 1)
                                + xs.getAtIndex(F, bottom + 2 * xx) + xs.getAtIndex(F, bottom + 2 * xx + 1);
                        ys.setAtIndex(F, dst + xx, sum * 0.25f);
                    }
                }
            }
        });
        return out;
    }

    /** float32 as PyTorch: {@code f_i = exp(fl(fl(−ln 10000)·i)/half)}, {@code a_i = fl(t·f_i)}, {@code [cos a, sin a]}. */
    @Override
    public Tensor timestepEmbedding(Tensor t, int dim) {
        OpShapes.timestepEmbedding(t, dim);
        int half = dim / 2, nb = t.dim(0);
        float negLog = (float) -Math.log(10000);
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) freqs[i] = (float) Math.exp((negLog * i) / half);
        Tensor out = Tensor.zeros(DType.F32, nb, dim);
        MemorySegment ys = out.segment();
        for (int n = 0; n < nb; n++) {
            float tf = t.dtype() == DType.F32 ? t.getFloat(n) : (float) t.getLong(n);
            for (int i = 0; i < half; i++) {
                float arg = tf * freqs[i];
                ys.setAtIndex(F, (long) n * dim + i, (float) Math.cos(arg));
                ys.setAtIndex(F, (long) n * dim + half + i, (float) Math.sin(arg));
            }
        }
        return out;
    }

    @Override
    public Tensor resizeBicubic(Tensor x, int outH, int outW, boolean antialias) {
        return BicubicResampler.resize(kernels, x, outH, outW, antialias);
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        OpShapes.convert(x, dtype);
        if (x.dtype() == dtype) return StridedCopy.contiguous(x);
        if (dtype == DType.F32) return freshF32(x);
        Tensor xc = f32(x);
        Tensor out = Tensor.zeros(dtype, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(Math.toIntExact(xc.numel()), GRAIN, (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                float v = xs.getAtIndex(F, i);
                ys.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, dtype == DType.F16 ? Float.floatToFloat16(v) : Half.floatToBf16(v));
            }
        });
        return out;
    }

    @Override
    public Tensor randn(long seed, long offset, long... shape) {
        OpShapes.randn(offset, shape);
        Tensor out = Tensor.zeros(DType.F32, shape);
        MemorySegment ys = out.segment();
        long n = out.numel();
        int chunks = Math.toIntExact((n + GRAIN - 1) / GRAIN);
        Parallel.forRange(chunks, 1, (lo, hi) -> Philox.fillNormal(seed, offset, ys, (long) lo * GRAIN, Math.min(n, (long) hi * GRAIN)));
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private Tensor unary(VectorKernels.Unary op, Tensor x) {
        Tensor xc = f32(x), out = Tensor.zeros(DType.F32, xc.shape());
        MemorySegment xs = xc.segment(), ys = out.segment();
        Parallel.forRange(Math.toIntExact(xc.numel()), GRAIN, (lo, hi) -> kernels.unary(op, xs, lo, ys, lo, hi - lo));
        return out;
    }

    /**
     * NumPy broadcasting: both operands are viewed at the output shape (stride 0 on broadcast axes),
     * adjacent axes that are laid out alike in both are merged, and the last merged axis is one
     * vector loop in which each operand is a run (stride 1) or a single repeated value (stride 0).
     */
    private Tensor binary(VectorKernels.Binary op, Tensor a, Tensor b) {
        long[] os = Shape.broadcast(a.shape(), b.shape());
        Tensor out = Tensor.zeros(DType.F32, os);
        if (out.numel() == 0) return out;
        Tensor ac = f32(a), bc = f32(b);
        long[][] merged = mergeAxes(os, ac.expand(os).strides(), bc.expand(os).strides());
        long[] shape = merged[0], sa = merged[1], sb = merged[2];
        int last = shape.length - 1, inner = Math.toIntExact(shape[last]);
        int innerA = (int) sa[last], innerB = (int) sb[last];
        MemorySegment as = ac.segment(), bs = bc.segment(), ys = out.segment();
        int rows = Math.toIntExact(out.numel() / inner);
        Parallel.forRange(rows, rowGrain(inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                long offA = 0, offB = 0, rest = r;
                for (int d = last - 1; d >= 0; d--) {
                    long idx = rest % shape[d];
                    rest /= shape[d];
                    offA += idx * sa[d];
                    offB += idx * sb[d];
                }
                kernels.binary(op, as, offA, innerA, bs, offB, innerB, ys, (long) r * inner, inner);
            }
        });
        return out;
    }

    /** Drops size-1 axes and merges neighbours whose strides chain in both operands; at least one axis remains. */
    private static long[][] mergeAxes(long[] shape, long[] sa, long[] sb) {
        long[] s = new long[shape.length + 1], a = new long[s.length], b = new long[s.length];
        int r = 0;
        s[0] = 1;
        a[0] = 1;
        b[0] = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (r > 0 && a[r - 1] == sa[d] * shape[d] && b[r - 1] == sb[d] * shape[d]) {
                s[r - 1] *= shape[d];
                a[r - 1] = sa[d];
                b[r - 1] = sb[d];
            } else {
                s[r] = shape[d];
                a[r] = sa[d];
                b[r] = sb[d];
                r++;
            }
        }
        int rank = Math.max(r, 1);
        return new long[][] {Arrays.copyOf(s, rank), Arrays.copyOf(a, rank), Arrays.copyOf(b, rank)};
    }

    private static Tensor f32(Tensor t) {
        return StridedCopy.f32(requireHost(t));
    }

    /** A contiguous F32 copy that never aliases x. */
    private static Tensor freshF32(Tensor x) {
        Tensor xc = f32(x);
        return xc == x ? StridedCopy.contiguous(x) : xc;
    }

    private static int rowGrain(int rowLength) {
        return Math.max(1, GRAIN / Math.max(rowLength, 1));
    }

    private static Tensor requireHost(Tensor t) {
        if (!(t.storage() instanceof HostStorage)) throw new IllegalArgumentException("tensor " + t + " is not on the host");
        return t;
    }
}
