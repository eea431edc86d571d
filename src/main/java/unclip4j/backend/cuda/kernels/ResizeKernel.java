package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launcher for kernels/resize.cu. */
public enum ResizeKernel implements KernelVariant {
    V1_NAIVE("resize_bicubic_v1_naive", "one thread per output pixel, 2-D weighted sum in double");

    private final String symbol, idea;

    ResizeKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "resize_bicubic"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "resize"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return true; }

    /** x contiguous F32 [N, C, H, W]; out [N, C, outH, outW]. */
    public void launch(CudaBackend be, Tensor out, Tensor x, boolean antialias) {
        Launch.kernel(be.context(), module(), symbol).cover(out.numel(), 256).run(CudaBackend.ptr(out), CudaBackend.ptr(x),
                x.size(0) * x.size(1), x.dim(2), x.dim(3), out.dim(2), out.dim(3), antialias ? 1 : 0);
    }
}
