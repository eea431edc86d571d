package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/softmax.cu. */
public enum SoftmaxKernel implements KernelVariant {
    V1_NAIVE("softmax_v1_naive", "one thread per row, three passes"),
    V2_BLOCK("softmax_v2_block", "one block per row, block reductions for max and sum"),
    V3_ONLINE("softmax_v3_online", "one warp per row, max and sum in one online pass");

    public static final SoftmaxKernel DEFAULT = V3_ONLINE;
    private static final int WARPS_PER_BLOCK = 8;

    private final String symbol, idea;

    SoftmaxKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "softmax"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "softmax"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /** Softmax over the last axis of contiguous F32 x (mask already added); sets the I32 flag when a row is all -inf. */
    public void launch(CudaBackend be, Tensor out, Tensor x, Tensor fullyMasked) {
        int d = x.dim(-1);
        long rows = x.numel() / Math.max(d, 1);
        Launch l = Launch.kernel(be.context(), module(), symbol);
        switch (this) {
            case V1_NAIVE -> l.grid(Math.ceilDiv(rows, 128), 1, 1).block(128, 1, 1);
            case V2_BLOCK -> l.grid(rows, 1, 1).block(256, 1, 1);
            case V3_ONLINE -> l.grid(Math.ceilDiv(rows, WARPS_PER_BLOCK), 1, 1).block(32 * WARPS_PER_BLOCK, 1, 1);
        }
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(x), rows, d, CudaBackend.ptr(fullyMasked));
    }
}
