package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import unclip4j.backend.Backend;
import unclip4j.backend.OpShapes;
import unclip4j.backend.Philox;
import unclip4j.tensor.DType;
import unclip4j.tensor.Device;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * The oracle: every op written out as the formula, in plain loops with double accumulation, reading
 * any strided view element by element. Never optimised; tests and teachers read it. Results are
 * rounded to float32 once, at the end, so the only float rounding is the inputs' and the output's.
 *
 * <p>Layout ops ({@link #contiguous}, {@link #concat}) keep the dtype; all others return F32.
 */
public final class ReferenceOps implements Backend {
    private static final double SQRT1_2 = Math.sqrt(0.5);

    @Override
    public String name() {
        return "cpu-reference";
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
        int m = mm.m(), n = mm.n(), k = mm.k();
        double[] av = values(a), bv = values(b);
        double[] biasv = bias == null ? null : values(bias), cv = c0 == null ? null : values(c0);
        double[] out = new double[mm.batch() * m * n];
        for (int bi = 0; bi < mm.batch(); bi++) {
            int aBase = mm.aBatched() ? bi * m * k : 0, bBase = mm.bBatched() ? bi * k * n : 0, cBase = mm.cBatched() ? bi * m * n : 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        double aip = av[aBase + (transA ? p * m + i : i * k + p)];
                        double bpj = bv[bBase + (transB ? j * k + p : p * n + j)];
                        sum += aip * bpj;
                    }
                    double y = alpha * sum;
                    if (cv != null) y += beta * cv[cBase + i * n + j];
                    if (biasv != null) y += biasv[j];
                    out[(bi * m + i) * n + j] = y;
                }
            }
        }
        return f32(out, mm.outShape());
    }

    /** {@code y[n,o,i,j] = bias[o] + Σ_{c,u,v} w[o,c,u,v]·x[n,c,i·s+u−p,j·s+v−p]}, zero outside the input. */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        long[] os = OpShapes.conv2d(x, w, bias, stride, padding);
        int nb = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2);
        int ho = (int) os[2], wo = (int) os[3];
        double[] xv = values(x), wv = values(w), bv = bias == null ? null : values(bias);
        double[] out = new double[nb * o * ho * wo];
        for (int n = 0; n < nb; n++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++) {
                        double sum = bv == null ? 0 : bv[oc];
                        for (int ic = 0; ic < c; ic++)
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++) {
                                    int y = i * stride + u - padding, xx = j * stride + v - padding;
                                    if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                                    sum += wv[((oc * c + ic) * k + u) * k + v] * xv[((n * c + ic) * h + y) * wd + xx];
                                }
                        out[((n * o + oc) * ho + i) * wo + j] = sum;
                    }
        return f32(out, os);
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * Per sample n and group g: {@code μ, σ²} (biased) over the group's channels and positions,
     * {@code y = (x−μ)/√(σ²+eps)·γ_c + β_c}, then {@code y·(1+scale[n,c]) + shift[n,c]}, then SiLU.
     */
    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, Tensor scale, Tensor shift, boolean silu) {
        OpShapes.groupNorm(x, groups, gamma, beta, scale, shift);
        if (x.numel() == 0) return Tensor.zeros(DType.F32, x.shape());
        int nb = x.dim(0), c = x.dim(1), cg = c / groups;
        int spatial = (int) (x.numel() / ((long) nb * c));
        double[] xv = values(x), out = new double[xv.length];
        double[] g = gamma == null ? null : values(gamma), bt = beta == null ? null : values(beta);
        double[] sc = scale == null ? null : values(scale), sh = shift == null ? null : values(shift);
        int groupSize = cg * spatial;
        for (int n = 0; n < nb; n++) {
            for (int gi = 0; gi < groups; gi++) {
                int start = (n * c + gi * cg) * spatial;
                double mean = 0, var = 0;
                for (int i = 0; i < groupSize; i++) mean += xv[start + i];
                mean /= groupSize;
                for (int i = 0; i < groupSize; i++) var += (xv[start + i] - mean) * (xv[start + i] - mean);
                var /= groupSize;
                double rstd = 1 / Math.sqrt(var + eps);
                for (int ch = gi * cg; ch < (gi + 1) * cg; ch++) {
                    for (int s = 0; s < spatial; s++) {
                        int idx = (n * c + ch) * spatial + s;
                        double y = (xv[idx] - mean) * rstd;
                        if (g != null) y *= g[ch];
                        if (bt != null) y += bt[ch];
                        if (sc != null) y = y * (1 + sc[n * c + ch]) + sh[n * c + ch];
                        out[idx] = silu ? siluOf(y) : y;
                    }
                }
            }
        }
        return f32(out, x.shape());
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        OpShapes.layerNorm(x, gamma, beta);
        int d = x.dim(-1);
        double[] xv = values(x), out = new double[xv.length];
        double[] g = gamma == null ? null : values(gamma), bt = beta == null ? null : values(beta);
        for (int row = 0; row < xv.length / Math.max(d, 1); row++) {
            double mean = 0, var = 0;
            for (int i = 0; i < d; i++) mean += xv[row * d + i];
            mean /= d;
            for (int i = 0; i < d; i++) var += (xv[row * d + i] - mean) * (xv[row * d + i] - mean);
            var /= d;
            double rstd = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < d; i++) {
                double y = (xv[row * d + i] - mean) * rstd;
                if (g != null) y *= g[i];
                if (bt != null) y += bt[i];
                out[row * d + i] = y;
            }
        }
        return f32(out, x.shape());
    }

    /**
     * {@code softmax(x + mask)} over the last axis. A row whose entries are all −inf (fully masked)
     * has no softmax; rather than return NaN silently this throws IllegalArgumentException.
     */
    @Override
    public Tensor softmax(Tensor x, Tensor mask) {
        OpShapes.softmax(x, mask);
        int d = x.dim(-1);
        double[] v = values(x);
        if (mask != null) {
            double[] mv = values(mask.expand(x.shape()));
            for (int i = 0; i < v.length; i++) v[i] += mv[i];
        }
        double[] out = new double[v.length];
        for (int row = 0; row < v.length / Math.max(d, 1); row++) softmaxRow(v, row * d, d, out);
        return f32(out, x.shape());
    }

    /** Per (b, h, i): {@code s_j = scale·q_i·k_j + keyMask[b,j] + causal(i,j)}, {@code o_i = Σ_j softmax(s)_j·v_j}. */
    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale) {
        long[] os = OpShapes.attention(q, k, v, keyMask);
        int nb = q.dim(0), nh = q.dim(1), tq = q.dim(2), d = q.dim(3), tk = k.dim(2), dv = v.dim(3);
        double[] qv = values(q), kv = values(k), vv = values(v), mv = keyMask == null ? null : values(keyMask);
        double[] out = new double[nb * nh * tq * dv];
        double[] s = new double[tk], p = new double[tk];
        for (int b = 0; b < nb; b++)
            for (int h = 0; h < nh; h++) {
                int bh = b * nh + h;
                for (int i = 0; i < tq; i++) {
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += qv[(bh * tq + i) * d + e] * kv[(bh * tk + j) * d + e];
                        s[j] = scale * dot + (mv == null ? 0 : mv[b * tk + j]);
                        if (causal && j > i + (tk - tq)) s[j] = Double.NEGATIVE_INFINITY;
                    }
                    softmaxRow(s, 0, tk, p);
                    for (int e = 0; e < dv; e++) {
                        double sum = 0;
                        for (int j = 0; j < tk; j++) sum += p[j] * vv[(bh * tk + j) * dv + e];
                        out[(bh * tq + i) * dv + e] = sum;
                    }
                }
            }
        return f32(out, os);
    }

    // ------------------------------------------------------------------ activations

    /** {@code x·Φ(x)}, with {@code Φ(x) = erfc(−x/√2)/2} (no cancellation for negative x). */
    @Override
    public Tensor gelu(Tensor x) {
        return map(x, v -> v * 0.5 * Erf.erfc(-v * SQRT1_2));
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return map(x, v -> v / (1 + Math.exp(-1.702 * v)));
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(x, ReferenceOps::siluOf);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return zip(a, b, Double::sum);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return zip(a, b, (u, v) -> u - v);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return zip(a, b, (u, v) -> u * v);
    }

    @Override
    public Tensor affine(Tensor x, float a, float b) {
        return map(x, v -> (double) a * v + b);
    }

    /** {@code min(max(x, lo), hi)}; NaN stays NaN. */
    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return map(x, v -> Math.min(Math.max(v, lo), hi));
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(x, Math::exp);
    }

    // ------------------------------------------------------------------ layout

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        long[] os = OpShapes.concat(dim, xs);
        int d = xs[0].axis(dim);
        Tensor out = Tensor.zeros(xs[0].dtype(), os);
        long at = 0;
        for (Tensor x : xs) {
            copyElements(x, out.slice(d, at, at + x.size(d)));
            at += x.size(d);
        }
        return out;
    }

    @Override
    public Tensor contiguous(Tensor x) {
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        copyElements(x, out);
        return out;
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        long[] os = OpShapes.embedding(table, ids);
        long[] idv = ids.toLongArray();
        int dim = table.dim(1);
        double[] out = new double[idv.length * dim];
        for (int i = 0; i < idv.length; i++) {
            OpShapes.embeddingId(idv[i], table);
            for (int e = 0; e < dim; e++) out[i * dim + e] = table.getDouble(idv[i], e);
        }
        return f32(out, os);
    }

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        long[] os = OpShapes.upsampleNearest2x(x);
        double[] out = new double[(int) Shape.numel(os)];
        int i = 0;
        for (long n = 0; n < os[0]; n++)
            for (long c = 0; c < os[1]; c++)
                for (long y = 0; y < os[2]; y++)
                    for (long xx = 0; xx < os[3]; xx++) out[i++] = x.getDouble(n, c, y / 2, xx / 2);
        return f32(out, os);
    }

    @Override
    public Tensor avgPool2x2(Tensor x) {
        long[] os = OpShapes.avgPool2x2(x);
        double[] out = new double[(int) Shape.numel(os)];
        int i = 0;
        for (long n = 0; n < os[0]; n++)
            for (long c = 0; c < os[1]; c++)
                for (long y = 0; y < os[2]; y++)
                    for (long xx = 0; xx < os[3]; xx++) {
                        out[i++] = (x.getDouble(n, c, 2 * y, 2 * xx) + x.getDouble(n, c, 2 * y, 2 * xx + 1)
                                + x.getDouble(n, c, 2 * y + 1, 2 * xx) + x.getDouble(n, c, 2 * y + 1, 2 * xx + 1)) / 4;
                    }
        return f32(out, os);
    }

    /**
     * Float32 step by step as {@code karlo/modules/nn.py timestep_embedding} runs in PyTorch:
     * {@code f_i = exp(fl(fl(−ln 10000)·i) / half)}, {@code a_i = fl(float(t)·f_i)}, then
     * {@code [cos a, sin a]} (and a zero column if dim is odd).
     */
    @Override
    public Tensor timestepEmbedding(Tensor t, int dim) {
        OpShapes.timestepEmbedding(t, dim);
        int half = dim / 2, nb = t.dim(0);
        float negLog = (float) -Math.log(10000);
        double[] out = new double[nb * dim];
        for (int n = 0; n < nb; n++) {
            float tf = t.dtype() == DType.F32 ? t.getFloat(n) : (float) t.getLong(n);
            for (int i = 0; i < half; i++) {
                float f = (float) Math.exp((negLog * i) / half);
                float arg = tf * f;
                out[n * dim + i] = (float) Math.cos(arg);
                out[n * dim + half + i] = (float) Math.sin(arg);
            }
        }
        return f32(out, nb, dim);
    }

    /**
     * Direct 2-D weighted sum {@code y[i,j] = Σ_u Σ_v wy_i(u)·wx_j(v)·x[u,v]} with the 1-D weights of
     * {@link #bicubicWeights} (spec §9), computed in double.
     */
    @Override
    public Tensor resizeBicubic(Tensor x, int outH, int outW, boolean antialias) {
        long[] os = OpShapes.resizeBicubic(x, outH, outW);
        int h = x.dim(2), w = x.dim(3);
        double[][] wy = bicubicWeights(h, outH, antialias), wx = bicubicWeights(w, outW, antialias);
        double[] xv = values(x), out = new double[(int) Shape.numel(os)];
        int planes = x.dim(0) * x.dim(1);
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < outH; i++)
                for (int j = 0; j < outW; j++) {
                    double sum = 0;
                    for (int u = 0; u < h; u++) {
                        if (wy[i][u] == 0) continue;
                        for (int v = 0; v < w; v++) sum += wy[i][u] * wx[j][v] * xv[(pl * h + u) * w + v];
                    }
                    out[(pl * outH + i) * outW + j] = sum;
                }
        return f32(out, os);
    }

    /**
     * Dense 1-D resampling matrix {@code [out][in]}, align_corners=False, scale = in/out.
     * Antialiased (PIL / PyTorch {@code antialias=True}): a = −0.5, support 2·max(scale,1),
     * taps outside the input dropped and the rest renormalised. Plain (PyTorch bicubic): a = −0.75,
     * source {@code scale·(i+0.5)−0.5}, four taps around its floor with indices clamped to the border.
     */
    static double[][] bicubicWeights(int in, int out, boolean antialias) {
        double scale = (double) in / out;
        double[][] w = new double[out][in];
        for (int i = 0; i < out; i++) {
            if (antialias) {
                double fs = Math.max(scale, 1), support = 2 * fs, center = scale * (i + 0.5);
                int lo = Math.max((int) (center - support + 0.5), 0), hi = Math.min((int) (center + support + 0.5), in);
                double total = 0;
                for (int j = lo; j < hi; j++) total += cubic((j - center + 0.5) / fs, -0.5);
                for (int j = lo; j < hi; j++) w[i][j] = cubic((j - center + 0.5) / fs, -0.5) / total;
            } else {
                double src = scale * (i + 0.5) - 0.5;
                int base = (int) Math.floor(src);
                double t = src - base;
                for (int tap = -1; tap <= 2; tap++) {
                    int j = Math.min(Math.max(base + tap, 0), in - 1);
                    w[i][j] += cubic(tap - t, -0.75);
                }
            }
        }
        return w;
    }

    /** Keys' cubic convolution kernel with parameter a. */
    static double cubic(double x, double a) {
        double ax = Math.abs(x);
        if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
        if (ax < 2) return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
        return 0;
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        OpShapes.convert(x, dtype);
        // Tensor.to rounds each float value to the target type (nearest even)
        return x.dtype() == dtype ? contiguous(x) : requireHost(x).to(dtype);
    }

    @Override
    public Tensor randn(long seed, long offset, long... shape) {
        OpShapes.randn(offset, shape);
        double[] out = new double[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < out.length; i++) out[i] = Philox.normal(seed, offset + i);
        return f32(out, shape);
    }

    // ------------------------------------------------------------------ helpers

    private static double siluOf(double v) {
        return v / (1 + Math.exp(-v));
    }

    private static void softmaxRow(double[] v, int start, int d, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < d; i++) max = Math.max(max, v[start + i]);
        if (max == Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("softmax row fully masked (all -inf): no distribution");
        double sum = 0;
        for (int i = 0; i < d; i++) sum += Math.exp(v[start + i] - max);
        for (int i = 0; i < d; i++) out[start + i] = Math.exp(v[start + i] - max) / sum;
    }

    private static Tensor map(Tensor x, DoubleUnaryOperator f) {
        OpShapes.requireFloat(x, "input");
        double[] v = values(x);
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(v[i]);
        return f32(v, x.shape());
    }

    private static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        OpShapes.requireFloat(a, "first operand");
        OpShapes.requireFloat(b, "second operand");
        long[] os = Shape.broadcast(a.shape(), b.shape());
        double[] av = values(a.expand(os)), bv = values(b.expand(os));
        for (int i = 0; i < av.length; i++) av[i] = f.applyAsDouble(av[i], bv[i]);
        return f32(av, os);
    }

    /** All elements of any view in row-major order. */
    private static double[] values(Tensor t) {
        return requireHost(t).toDoubleArray();
    }

    private static Tensor f32(double[] v, long... shape) {
        Tensor out = Tensor.zeros(DType.F32, shape);
        MemorySegment s = out.segment();
        for (int i = 0; i < v.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v[i]);
        return out;
    }

    /** Element-by-element byte copy between two views of the same shape and dtype. */
    private static void copyElements(Tensor src, Tensor dst) {
        MemorySegment s = ((HostStorage) requireHost(src).storage()).segment(), d = ((HostStorage) dst.storage()).segment();
        long[] shape = src.shape();
        int es = src.dtype().byteSize();
        for (long i = 0; i < src.numel(); i++) {
            long[] idx = unravel(i, shape);
            MemorySegment.copy(s, src.elementByteOffset(idx), d, dst.elementByteOffset(idx), es);
        }
    }

    private static long[] unravel(long i, long[] shape) {
        long[] idx = new long[shape.length];
        for (int dd = shape.length - 1; dd >= 0; dd--) {
            idx[dd] = i % shape[dd];
            i /= shape[dd];
        }
        return idx;
    }

    private static Tensor requireHost(Tensor t) {
        if (!(t.storage() instanceof HostStorage)) throw new IllegalArgumentException("tensor " + t + " is not on the host");
        return t;
    }
}
