package unclip4j.backend.cuda.kernels;

import unclip4j.backend.OpShapes;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Cublas;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/gemm.cu, plus cuBLAS as the library baseline. */
public enum GemmKernel implements KernelVariant {
    /** cuBLAS SgemmStridedBatched: the expert upper bound. */
    LIBRARY(null, "cuBLAS sgemm (strided batched), the expert baseline"),
    /** cuBLAS with TF32 tensor-core math: what fp32 code gets from the library on Ampere and later. */
    LIBRARY_TF32(null, "cuBLAS sgemm with TF32 tensor-core math (operands rounded to 10-bit mantissas, fp32 accumulate)"),
    /** cuBLAS GemmEx on fp16 operands: half-precision weights are read as they are stored, activations rounded to fp16. */
    LIBRARY_F16(null, "cuBLAS GemmEx, fp16 operands on the tensor cores (f16 weights used as stored), fp32 accumulate and output"),
    LIBRARY_BF16(null, "cuBLAS GemmEx, bf16 operands on the tensor cores (bf16 weights used as stored), fp32 accumulate and output"),
    V1_NAIVE("gemm_v1_naive", "one thread per C element, K loop from global memory"),
    V2_SMEM("gemm_v2_smem", "32x32 tiles of A and B staged in shared memory"),
    V3_REGBLOCK("gemm_v3_regblock", "128x128 block tile, 8x8 register tile per thread (2-D blocking)"),
    V4_WMMA_F16("gemm_v4_wmma_f16", "tensor cores (WMMA), fp16 operands, fp32 accumulate"),
    V5_WMMA_BF16("gemm_v5_wmma_bf16", "tensor cores (WMMA), bf16 operands, fp32 accumulate"),
    /** kernels/gemm_sm90.cu: Hopper only (sm_90a). */
    V6_WGMMA_F16("gemm_v6_wgmma_f16", "Hopper wgmma.m64n64k16 from shared memory (no-swizzle core-matrix layout), fp16 operands, fp32 accumulate");

    /** The fastest fp32-exact hand kernel at the prior's shapes on the H100 and the H200 (docs/KERNELS.md); v2_smem wins at CLIP's K = 768. */
    public static final GemmKernel DEFAULT = V3_REGBLOCK;

    private final String symbol, idea;

    GemmKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "gemm"; }
    @Override public String id() {
        return switch (this) {
            case LIBRARY -> "library";
            case LIBRARY_TF32 -> "library_tf32";
            case LIBRARY_F16 -> "library_f16";
            case LIBRARY_BF16 -> "library_bf16";
            default -> KernelVariant.idOf(family(), symbol);
        };
    }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return symbol == null ? null : this == V6_WGMMA_F16 ? "gemm_sm90" : "gemm"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /** The 16-bit dtype this variant reads its operands in (they are passed to it unwidened), or null for fp32 operands. */
    public DType halfOperands() {
        return this == LIBRARY_F16 ? DType.F16 : this == LIBRARY_BF16 ? DType.BF16 : null;
    }

    /**
     * {@code out = alpha·op(a)·op(b) + beta·c0 + bias} into a fresh contiguous out. a and b are F32
     * device views of rank 2 or 3 with any strides (any float dtype for the {@link #halfOperands}
     * variants); c0 and bias are contiguous F32 or null.
     */
    public void launch(CudaBackend be, Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, float alpha,
                       Tensor bias, Tensor c0, float beta, OpShapes.Matmul mm) {
        if (halfOperands() != null) {
            a = ElementwiseKernel.inDType(be, a, halfOperands());
            b = ElementwiseKernel.inDType(be, b, halfOperands());
        }
        if (isLibrary()) {
            library(be, out, a, transA, b, transB, alpha, bias, c0, beta, mm, this);
            return;
        }
        if (this == V6_WGMMA_F16) requireHopper(be);
        Strided sa = Strided.of(a), sb = Strided.of(b);
        // op(A)(i, p) and op(B)(p, j) as (row, column) strides of the stored matrices
        long sam = transA ? sa.col : sa.row, sak = transA ? sa.row : sa.col;
        long sbk = transB ? sb.col : sb.row, sbn = transB ? sb.row : sb.col;
        long batchC0 = mm.cBatched() ? (long) mm.m() * mm.n() : 0;
        Launch l = Launch.kernel(be.context(), module(), symbol);
        int m = mm.m(), n = mm.n();
        switch (this) {
            case V1_NAIVE -> l.grid(Math.ceilDiv(n, 32), Math.ceilDiv(m, 8), mm.batch()).block(32, 8, 1);
            case V2_SMEM -> l.grid(Math.ceilDiv(n, 32), Math.ceilDiv(m, 32), mm.batch()).block(32, 32, 1);
            case V3_REGBLOCK -> l.grid(Math.ceilDiv(n, 128), Math.ceilDiv(m, 128), mm.batch()).block(256, 1, 1);
            default -> l.grid(Math.ceilDiv(n, 64), Math.ceilDiv(m, 64), mm.batch()).block(128, 1, 1); // v4–v6: 64×64 tiles, 4 warps
        }
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(a), CudaBackend.ptr(b), CudaBackend.ptrOrNull(c0), CudaBackend.ptrOrNull(bias),
                m, n, mm.k(), sam, sak, sbk, sbn, sa.batch, sb.batch, batchC0, alpha, beta);
    }

    /**
     * wgmma is an sm_90a instruction: its module is built for compute 9.0 only and runs nowhere else
     * (neither on Ampere/Ada nor, arch-specific code not being forward compatible, on Blackwell).
     */
    public static void requireHopper(CudaBackend be) {
        var d = be.context().device();
        if (d.ccMajor() != 9 || d.ccMinor() != 0) {
            throw new IllegalStateException("gemm v6_wgmma_f16 needs a compute 9.0 GPU (wgmma, sm_90a); " + d.name() + " is " + d.computeCapability());
        }
    }

    /** cuBLAS wants unit stride along one axis of each operand; a view with neither is copied first. */
    private static void library(CudaBackend be, Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, float alpha,
                                Tensor bias, Tensor c0, float beta, OpShapes.Matmul mm, GemmKernel variant) {
        if (c0 != null) ElementwiseKernel.copy(be, out, c0.expand(out.shape()));
        Strided sa = Strided.of(a), sb = Strided.of(b);
        if (!sa.rowMajorOrTransposed()) sa = Strided.of(a = be.contiguous(a));
        if (!sb.rowMajorOrTransposed()) sb = Strided.of(b = be.contiguous(b));
        // a matrix with unit row stride is the row-major transpose of itself, leading dimension = column stride
        boolean ta = sa.col == 1 ? transA : !transA, tb = sb.col == 1 ? transB : !transB;
        int lda = (int) (sa.col == 1 ? sa.row : sa.col), ldb = (int) (sb.col == 1 ? sb.row : sb.col);
        long pa = CudaBackend.ptr(a).address(), pb = CudaBackend.ptr(b).address(), pc = CudaBackend.ptr(out).address();
        float b0 = c0 == null ? 0f : beta;
        if (variant.halfOperands() != null) {
            int type = variant.halfOperands() == DType.F16 ? Cublas.R_16F : Cublas.R_16BF;
            be.cublas().gemmHalf(type, ta, tb, mm.m(), mm.n(), mm.k(), alpha, pa, Math.max(lda, 1), sa.batch, pb, Math.max(ldb, 1), sb.batch,
                    b0, pc, (long) mm.m() * mm.n(), mm.batch());
        } else {
            be.cublas().sgemm(ta, tb, mm.m(), mm.n(), mm.k(), alpha, pa, Math.max(lda, 1), sa.batch, pb, Math.max(ldb, 1), sb.batch,
                    b0, pc, (long) mm.m() * mm.n(), mm.batch(), variant == LIBRARY_TF32);
        }
        if (bias != null) ElementwiseKernel.addBias(be, out, bias);
    }

    /** Row, column and batch strides (elements) of a rank-2 or rank-3 view; batch 0 for rank 2 (shared). */
    private record Strided(long row, long col, long batch, long rows, long cols) {
        static Strided of(Tensor t) {
            return new Strided(t.stride(-2), t.stride(-1), t.rank() == 3 ? t.stride(0) : 0, t.size(-2), t.size(-1));
        }

        boolean rowMajorOrTransposed() {
            return (col == 1 && row >= cols) || (row == 1 && col >= rows);
        }
    }
}
