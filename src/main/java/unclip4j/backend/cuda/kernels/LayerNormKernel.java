package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/layer_norm.cu. */
public enum LayerNormKernel implements KernelVariant {
    V1_NAIVE("layer_norm_v1_naive", "one thread per row"),
    V2_WARP("layer_norm_v2_warp", "one warp per row, coalesced loads, shuffle reductions");

    public static final LayerNormKernel DEFAULT = V2_WARP;
    private static final int WARPS_PER_BLOCK = 8;

    private final String symbol, idea;

    LayerNormKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "layer_norm"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "layer_norm"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /** x contiguous F32 [..., D]; gamma, beta [D] contiguous F32 or null. */
    public void launch(CudaBackend be, Tensor out, Tensor x, Tensor gamma, Tensor beta, float eps) {
        int d = x.dim(-1);
        long rows = x.numel() / Math.max(d, 1);
        Launch l = Launch.kernel(be.context(), module(), symbol);
        if (this == V1_NAIVE) l.grid(Math.ceilDiv(rows, 128), 1, 1).block(128, 1, 1);
        else l.grid(Math.ceilDiv(rows, WARPS_PER_BLOCK), 1, 1).block(32 * WARPS_PER_BLOCK, 1, 1);
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(x), CudaBackend.ptrOrNull(gamma), CudaBackend.ptrOrNull(beta), rows, d, eps);
    }
}
