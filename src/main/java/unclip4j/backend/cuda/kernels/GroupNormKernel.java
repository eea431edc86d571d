package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/group_norm.cu. No library does GroupNorm+FiLM+SiLU: the bound is memory bandwidth. */
public enum GroupNormKernel implements KernelVariant {
    V1_NAIVE("group_norm_v1_naive", "one thread per (n, g): the baseline"),
    V2_BLOCK("group_norm_v2_block", "one block per (n, g), warp-shuffle block reductions, FiLM+SiLU fused");

    public static final GroupNormKernel DEFAULT = V2_BLOCK;

    private final String symbol, idea;

    GroupNormKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "group_norm"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "group_norm"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /** x contiguous F32 [N, C, ...]; gamma, beta [C] and scale, shift [N, C] contiguous F32 or null. */
    public void launch(CudaBackend be, Tensor out, Tensor x, int groups, Tensor gamma, Tensor beta, float eps,
                       Tensor scale, Tensor shift, boolean silu) {
        int n = x.dim(0), c = x.dim(1);
        long s = x.numel() / ((long) n * c);
        Launch l = Launch.kernel(be.context(), module(), symbol);
        if (this == V1_NAIVE) l.cover((long) n * groups, 64);
        else l.grid((long) n * groups, 1, 1).block(256, 1, 1);
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(x), CudaBackend.ptrOrNull(gamma), CudaBackend.ptrOrNull(beta),
                CudaBackend.ptrOrNull(scale), CudaBackend.ptrOrNull(shift), n, c, s, groups, eps, silu ? 1 : 0);
    }
}
