package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * Launchers for kernels/elementwise.cu: several small families (unary, binary, copy, upsample,
 * pool, embedding, conversions, bias). Where a family has a fast variant with preconditions
 * (float4 alignment, equal shapes), the launcher falls back to v1 when they do not hold.
 */
public enum ElementwiseKernel implements KernelVariant {
    UNARY_V1_NAIVE("unary", "unary_v1_naive", false, "one thread per element, grid-stride"),
    UNARY_V2_VEC4("unary", "unary_v2_vec4", true, "float4 loads and stores (falls back to v1 when n % 4 != 0 or unaligned)"),
    BINARY_V1_STRIDED("binary", "binary_v1_strided", false, "NumPy broadcasting through per-operand layouts"),
    BINARY_V2_SAME_SHAPE("binary", "binary_v2_same_shape", true, "equal contiguous shapes: flat float4 (else v1)"),
    COPY_V1_STRIDED("copy", "copy_v1_strided", true, "any view to any view, one thread per element"),
    UPSAMPLE_NEAREST2X_V1_NAIVE("upsample_nearest2x", "upsample_nearest2x_v1_naive", true, "one thread per output element"),
    AVGPOOL2X2_V1_NAIVE("avgpool2x2", "avgpool2x2_v1_naive", true, "one thread per output element"),
    EMBEDDING_V1_NAIVE("embedding", "embedding_v1_naive", true, "one thread per output element, int64 ids"),
    CONVERT_F32_F16_V1_NAIVE("convert_f32_f16", "convert_f32_f16_v1_naive", true, "round to nearest even"),
    CONVERT_F32_BF16_V1_NAIVE("convert_f32_bf16", "convert_f32_bf16_v1_naive", true, "round to nearest even"),
    CONVERT_F16_F32_V1_NAIVE("convert_f16_f32", "convert_f16_f32_v1_naive", true, "exact widening"),
    CONVERT_BF16_F32_V1_NAIVE("convert_bf16_f32", "convert_bf16_f32_v1_naive", true, "exact widening"),
    ADD_BIAS_V1_NAIVE("add_bias", "add_bias_v1_naive", true, "C[r, j] += bias[j] after a library GEMM");

    /** Unary op codes of kernels/elementwise.cu. */
    public static final int AFFINE = 0, CLAMP = 1, EXP = 2, GELU = 3, QUICK_GELU = 4, SILU = 5;
    /** Binary op codes. */
    public static final int ADD = 0, SUB = 1, MUL = 2;

    private static final int BLOCK = 256;

    private final String family, symbol, idea;
    private final boolean isDefault;

    ElementwiseKernel(String family, String symbol, boolean isDefault, String idea) {
        this.family = family;
        this.symbol = symbol;
        this.isDefault = isDefault;
        this.idea = idea;
    }

    @Override public String family() { return family; }
    @Override public String id() { return KernelVariant.idOf(family, symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "elementwise"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return isDefault; }

    /** out = op(x) for contiguous F32 x and out of the same size. */
    public void unary(CudaBackend be, Tensor out, Tensor x, int op, float a, float b) {
        requireFamily("unary");
        long n = x.numel();
        boolean vec = this == UNARY_V2_VEC4 && n % 4 == 0 && CudaBackend.ptr(x).address() % 16 == 0
                && CudaBackend.ptr(out).address() % 16 == 0;
        ElementwiseKernel k = vec ? UNARY_V2_VEC4 : UNARY_V1_NAIVE;
        Launch.kernel(be.context(), module(), k.symbol).cover(vec ? n / 4 : n, BLOCK)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(x), n, op, a, b);
    }

    /** out = a (op) b with a and b F32 views already expanded to out's shape; out contiguous. */
    public void binary(CudaBackend be, Tensor out, Tensor a, Tensor b, int op) {
        requireFamily("binary");
        long n = out.numel();
        if (this == BINARY_V2_SAME_SHAPE && a.isContiguous() && b.isContiguous() && aligned16(a, b, out)) {
            Launch.kernel(be.context(), module(), symbol).cover(Math.max(1, n / 4), BLOCK)
                    .run(CudaBackend.ptr(out), CudaBackend.ptr(a), CudaBackend.ptr(b), n, op);
        } else {
            Launch.kernel(be.context(), module(), BINARY_V1_STRIDED.symbol).cover(n, BLOCK)
                    .run(CudaBackend.ptr(out), CudaBackend.ptr(a), CudaBackend.layout(a), CudaBackend.ptr(b), CudaBackend.layout(b), n, op);
        }
    }

    /** Element copy between two views of the same shape and dtype (dst may be a slice of a larger tensor). */
    public static void copy(CudaBackend be, Tensor dst, Tensor src) {
        long n = src.numel();
        if (n == 0) return;
        Launch.kernel(be.context(), "elementwise", COPY_V1_STRIDED.symbol).cover(n, BLOCK)
                .run(CudaBackend.ptr(dst), CudaBackend.layout(dst), CudaBackend.ptr(src), CudaBackend.layout(src), n, src.dtype().byteSize());
    }

    public static void upsampleNearest2x(CudaBackend be, Tensor out, Tensor x) {
        Launch.kernel(be.context(), "elementwise", UPSAMPLE_NEAREST2X_V1_NAIVE.symbol).cover(out.numel(), BLOCK)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(x), x.size(0) * x.size(1), x.dim(2), x.dim(3));
    }

    public static void avgPool2x2(CudaBackend be, Tensor out, Tensor x) {
        Launch.kernel(be.context(), "elementwise", AVGPOOL2X2_V1_NAIVE.symbol).cover(out.numel(), BLOCK)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(x), x.size(0) * x.size(1), x.dim(2), x.dim(3));
    }

    /** out [rows, dim] = table[ids]; ids is a contiguous I64 device tensor of validated indices. */
    public static void embedding(CudaBackend be, Tensor out, Tensor table, Tensor ids) {
        Launch.kernel(be.context(), "elementwise", EMBEDDING_V1_NAIVE.symbol).cover(out.numel(), BLOCK)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(table), CudaBackend.ptr(ids), ids.numel(), table.dim(1));
    }

    /** t itself when it is already in dtype (16-bit weights read as stored), else converted on the device. */
    public static Tensor inDType(CudaBackend be, Tensor t, DType dtype) {
        return t.dtype() == dtype ? t : be.convert(t, dtype);
    }

    /** Contiguous conversion between F32 and F16/BF16 (one side must be F32). */
    public static void convert(CudaBackend be, Tensor out, Tensor x) {
        DType from = x.dtype(), to = out.dtype();
        ElementwiseKernel k = from == DType.F32 ? (to == DType.F16 ? CONVERT_F32_F16_V1_NAIVE : CONVERT_F32_BF16_V1_NAIVE)
                : from == DType.F16 ? CONVERT_F16_F32_V1_NAIVE : CONVERT_BF16_F32_V1_NAIVE;
        if ((from == DType.F32) == (to == DType.F32)) throw new IllegalArgumentException("convert kernels go to or from F32, not " + from + " -> " + to);
        Launch.kernel(be.context(), "elementwise", k.symbol).cover(x.numel(), BLOCK)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(x), x.numel());
    }

    /** C [rows, N] += bias [N], C contiguous. */
    public static void addBias(CudaBackend be, Tensor c, Tensor bias) {
        long n = bias.numel();
        Launch.kernel(be.context(), "elementwise", ADD_BIAS_V1_NAIVE.symbol).cover(c.numel(), BLOCK)
                .run(CudaBackend.ptr(c), CudaBackend.ptr(bias), c.numel() / n, (int) n);
    }

    private void requireFamily(String f) {
        if (!family.equals(f)) throw new IllegalStateException(this + " is not a " + f + " kernel");
    }

    private static boolean aligned16(Tensor... ts) {
        for (Tensor t : ts) if (CudaBackend.ptr(t).address() % 16 != 0) return false;
        return true;
    }
}
