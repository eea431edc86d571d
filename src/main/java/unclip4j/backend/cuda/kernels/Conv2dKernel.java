package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/conv2d.cu, plus cuDNN as the library baseline. */
public enum Conv2dKernel implements KernelVariant {
    LIBRARY(null, "cuDNN convolution forward, cuDNN's heuristic algorithm on FMA math (fp32), the expert baseline"),
    LIBRARY_TF32(null, "cuDNN convolution forward, cuDNN's heuristic algorithm with TF32 tensor-core math allowed"),
    /** What PyTorch's fp16 autocast runs: half weights read as stored, no fp32 copy of them per call. */
    LIBRARY_F16(null, "cuDNN convolution forward on fp16 data (f16 weights as stored, activations rounded), fp32 accumulate, "
            + "tensor cores; the fp16 output is widened to fp32"),
    V1_NAIVE("conv2d_v1_naive", "one thread per output element, direct convolution"),
    V2_IMPLICIT_GEMM("conv2d_v2_implicit_gemm", "implicit GEMM: 64x64 tiles, im2col gathered into shared memory");

    public static final Conv2dKernel DEFAULT = V2_IMPLICIT_GEMM;

    private final String symbol, idea;

    Conv2dKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "conv2d"; }
    @Override public String id() {
        return switch (this) {
            case LIBRARY -> "library";
            case LIBRARY_TF32 -> "library_tf32";
            case LIBRARY_F16 -> "library_f16";
            default -> KernelVariant.idOf(family(), symbol);
        };
    }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return symbol == null ? null : "conv2d"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /** The 16-bit dtype this variant reads x and w in (they are passed to it unwidened), or null for F32. */
    public DType halfOperands() {
        return this == LIBRARY_F16 ? DType.F16 : null;
    }

    /**
     * x [N, C, H, W] and w [O, C, k, k] contiguous on the device, F32 (any float dtype for the
     * {@link #halfOperands} variant), bias [O] contiguous F32 or null; out [N, O, Ho, Wo] F32.
     */
    public void launch(CudaBackend be, Tensor out, Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        if (isLibrary()) {
            library(be, out, x, w, stride, padding);
            if (bias != null) be.cudnn().addChannelBias(out, bias);
            return;
        }
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2), ho = out.dim(2), wo = out.dim(3);
        Launch l = Launch.kernel(be.context(), module(), symbol);
        if (this == V1_NAIVE) l.cover(out.numel(), 256);
        else l.grid(Math.ceilDiv((long) n * ho * wo, 64), Math.ceilDiv(o, 64), 1).block(256, 1, 1);
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(x), CudaBackend.ptr(w), CudaBackend.ptrOrNull(bias), n, c, h, wd, o, k, stride, padding, ho, wo);
    }

    private void library(CudaBackend be, Tensor out, Tensor x, Tensor w, int stride, int padding) {
        if (this != LIBRARY_F16) {
            be.cudnn().convolution(out, x, w, stride, padding, this == LIBRARY_TF32);
            return;
        }
        Tensor y = be.empty(DType.F16, out.shape()); // cuDNN's fp16 configuration writes fp16
        be.cudnn().convolution(y, ElementwiseKernel.inDType(be, x, DType.F16), ElementwiseKernel.inDType(be, w, DType.F16), stride, padding, true);
        ElementwiseKernel.convert(be, out, y);
    }
}
