package unclip4j.backend;

import unclip4j.tensor.DType;
import unclip4j.tensor.Device;
import unclip4j.tensor.Tensor;

/**
 * Every operation the four unCLIP networks need, one method per op, with the same semantics on
 * every backend ({@code ReferenceOps} is the double-precision oracle, {@code CpuBackend} the fast
 * Vector API path, {@code CudaBackend} the GPU). Shapes use PyTorch conventions (NCHW, weights
 * {@code [out, in]}); all arithmetic is float32 with float32 results unless stated. Inputs may be
 * non-contiguous views; outputs are fresh contiguous tensors on this backend's device, F32 except
 * for the layout ops {@link #contiguous} and {@link #concat}, which keep the dtype. Weight
 * arguments may be F16 or BF16 (widened to F32 for the arithmetic). Bad arguments (wrong rank,
 * sizes that do not fit) throw IllegalArgumentException naming the shapes ({@link OpShapes}).
 */
public interface Backend extends AutoCloseable {

    String name();

    Device device();

    /** A copy of a host tensor on this backend's device (the same tensor on the CPU). */
    Tensor upload(Tensor host);

    /** A host copy of a tensor of this backend (the same tensor on the CPU). */
    Tensor download(Tensor t);

    // ------------------------------------------------------------------ matrix products

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C0 + bias}. A is {@code [M,K]} ({@code [K,M]} if transA),
     * B is {@code [K,N]} ({@code [N,K]} if transB), bias {@code [N]} or null, c0 {@code [M,N]} or null
     * (then beta is ignored). Rank-3 operands {@code [batch, ., .]} give a batched product; a rank-2
     * operand (A, B or c0) is then shared by every batch entry. The bias is not scaled by alpha.
     */
    Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, float alpha, Tensor bias, Tensor c0, float beta);

    default Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false, 1f, null, null, 0f);
    }

    /** {@code y = x·Wᵀ + b} over the last axis: x {@code [..., in]}, w {@code [out, in]}, b {@code [out]} or null. */
    default Tensor linear(Tensor x, Tensor w, Tensor b) {
        long[] s = x.shape();
        long in = s[s.length - 1];
        Tensor x2 = x.reshape(-1, in);
        Tensor y = matmul(x2, false, w, true, 1f, b, null, 0f);
        s[s.length - 1] = w.size(0);
        return y.reshape(s);
    }

    /** 2-D convolution, x {@code [N,C,H,W]}, w {@code [O,C,k,k]}, bias {@code [O]} or null, square stride and zero padding. */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding);

    // ------------------------------------------------------------------ normalisation

    /**
     * GroupNorm over x {@code [N,C,...]} (statistics per sample and group over C/groups channels and
     * all spatial positions, biased variance, eps inside the sqrt), affine gamma/beta {@code [C]}.
     * Optional FiLM: if scale and shift ({@code [N,C]}) are given, {@code y = GN(x)·(1+scale)+shift}.
     * Then SiLU if requested. Null gamma / beta mean 1 / 0.
     */
    Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, Tensor scale, Tensor shift, boolean silu);

    /** LayerNorm over the last axis (biased variance, eps inside the sqrt), gamma/beta of that size or null (1 / 0). */
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /**
     * Softmax over the last axis of {@code x + mask}; mask (additive, may hold -inf) broadcasts to x's
     * shape, or null. A row that is entirely -inf has no softmax: it throws IllegalArgumentException
     * instead of silently giving NaN (our models never mask a whole row).
     */
    Tensor softmax(Tensor x, Tensor mask);

    /**
     * Scaled dot-product attention {@code softmax(scale·Q·Kᵀ + M)·V}. q {@code [B,H,Tq,D]},
     * k and v {@code [B,H,Tk,D]}; keyMask additive {@code [B,Tk]} (0 or -inf) or null; causal masks
     * key j for query i when {@code j > i + (Tk - Tq)}. v may have its own last size Dv; returns
     * {@code [B,H,Tq,Dv]}. A query that sees no key throws IllegalArgumentException, as in {@link #softmax}.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale);

    // ------------------------------------------------------------------ activations

    /** Exact GELU {@code x·Φ(x)} with the erf. */
    Tensor gelu(Tensor x);

    /** {@code x·σ(1.702·x)} (CLIP). */
    Tensor quickGelu(Tensor x);

    /** {@code x·σ(x)}. */
    Tensor silu(Tensor x);

    // ------------------------------------------------------------------ elementwise (NumPy broadcasting)

    Tensor add(Tensor a, Tensor b);

    Tensor sub(Tensor a, Tensor b);

    Tensor mul(Tensor a, Tensor b);

    /** {@code a·x + b} elementwise with scalars. */
    Tensor affine(Tensor x, float a, float b);

    Tensor clamp(Tensor x, float lo, float hi);

    Tensor exp(Tensor x);

    // ------------------------------------------------------------------ layout

    /** Concatenation along dim (all other sizes equal). */
    Tensor concat(int dim, Tensor... xs);

    /** A contiguous copy of any view (slices, transposes, permutes, expands). */
    Tensor contiguous(Tensor x);

    /** Rows of table {@code [V,D]} at ids (I32 or I64, any shape S) → {@code [S..., D]}. */
    Tensor embedding(Tensor table, Tensor ids);

    /** Nearest-neighbour 2× upsampling of {@code [N,C,H,W]}. */
    Tensor upsampleNearest2x(Tensor x);

    /** 2×2 average pool, stride 2, of {@code [N,C,H,W]} (H, W even). */
    Tensor avgPool2x2(Tensor x);

    /**
     * Sinusoidal timestep embedding {@code [N, dim]}: {@code [cos(t·f_i), sin(t·f_i)]}, cos first,
     * {@code f_i = exp(-ln(10000)·i/half)} in float32, t the original timesteps {@code [N]} (I64, I32 or F32).
     * An odd dim gets a last column of zeros (as {@code karlo/modules/nn.py}).
     */
    Tensor timestepEmbedding(Tensor t, int dim);

    /**
     * Bicubic resize of {@code [N,C,H,W]} float data, PyTorch {@code F.interpolate(mode="bicubic",
     * align_corners=False)} semantics: plain (a = -0.75, clamped border) or antialiased (a = -0.5,
     * support scaled when downsampling, border taps dropped and renormalised).
     */
    Tensor resizeBicubic(Tensor x, int outH, int outW, boolean antialias);

    /** Conversion between F32, F16, BF16 (round to nearest even); a fresh copy even when the dtype is unchanged. */
    Tensor convert(Tensor x, DType dtype);

    /**
     * Standard normal draws {@code [shape]} from Philox4x32-10 with key = seed and counter = element
     * index + offset ({@code offset >= 0}), Box-Muller; the same (seed, offset) gives the same numbers on
     * every backend (see {@link Philox} for the exact definition).
     */
    Tensor randn(long seed, long offset, long... shape);

    @Override
    default void close() {}
}
