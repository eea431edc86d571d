package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launcher for kernels/timestep_embedding.cu. */
public enum TimestepEmbeddingKernel implements KernelVariant {
    V1_NAIVE("timestep_embedding_v1_naive", "one thread per output element, float32 steps as in PyTorch");

    private final String symbol, idea;

    TimestepEmbeddingKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "timestep_embedding"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "timestep_embedding"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return true; }

    /** t contiguous F32 [N] on the device; out [N, dim]. */
    public void launch(CudaBackend be, Tensor out, Tensor t, int dim) {
        Launch.kernel(be.context(), module(), symbol).cover(out.numel(), 256).run(CudaBackend.ptr(out), CudaBackend.ptr(t), t.dim(0), dim);
    }
}
