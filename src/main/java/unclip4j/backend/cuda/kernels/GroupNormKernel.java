package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/group_norm.cu. No library does GroupNorm+FiLM+SiLU: the bound is memory bandwidth. */
public enum GroupNormKernel implements KernelVariant {
    V1_NAIVE("group_norm_v1_naive", "one thread per (n, g): the baseline"),
    V2_BLOCK("group_norm_v2_block", "one block per (n, g), warp-shuffle block reductions, FiLM+SiLU fused"),
    V3_SPLIT("group_norm_v3_split", "each group split over several blocks when groups are too few to fill the GPU: "
            + "chunk statistics, then a merge and the normalisation (two launches; v2 where one block per group fills it)");

    public static final GroupNormKernel DEFAULT = V2_BLOCK;
    /** v3: blocks wanted per SM, and the fewest elements worth a chunk of their own. */
    private static final int BLOCKS_PER_SM = 2, MIN_CHUNK = 2048, BLOCK = 256;

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
        int chunks = this == V3_SPLIT ? chunks(be, (long) n * groups, (long) (c / groups) * s) : 1;
        if (chunks > 1) {
            split(be, out, x, groups, gamma, beta, eps, scale, shift, silu, n, c, s, chunks);
            return;
        }
        Launch l = Launch.kernel(be.context(), module(), this == V1_NAIVE ? symbol : V2_BLOCK.symbol);
        if (this == V1_NAIVE) l.cover((long) n * groups, 64);
        else l.grid((long) n * groups, 1, 1).block(BLOCK, 1, 1);
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(x), CudaBackend.ptrOrNull(gamma), CudaBackend.ptrOrNull(beta),
                CudaBackend.ptrOrNull(scale), CudaBackend.ptrOrNull(shift), n, c, s, groups, eps, silu ? 1 : 0);
    }

    /** Blocks per group for v3: enough for BLOCKS_PER_SM blocks on every SM, none below MIN_CHUNK elements; 1 means v2. */
    private static int chunks(CudaBackend be, long groupCount, long groupSize) {
        if (groupSize >= Integer.MAX_VALUE || groupCount > 65535) return 1; // 32-bit chunk indices; grid.y limit
        long wanted = Math.ceilDiv((long) BLOCKS_PER_SM * be.context().device().multiprocessors(), groupCount);
        return (int) Math.max(1, Math.min(wanted, groupSize / MIN_CHUNK));
    }

    private static void split(CudaBackend be, Tensor out, Tensor x, int groups, Tensor gamma, Tensor beta, float eps,
                              Tensor scale, Tensor shift, boolean silu, int n, int c, long s, int chunks) {
        Tensor partial = be.empty(DType.F32, (long) n * groups * chunks, 2); // mean and centred sum of squares per chunk
        Launch.kernel(be.context(), "group_norm", "group_norm_v3_split_stats").grid(chunks, (long) n * groups, 1).block(BLOCK, 1, 1)
                .run(CudaBackend.ptr(partial), CudaBackend.ptr(x), n, c, s, groups, chunks);
        Launch.kernel(be.context(), "group_norm", V3_SPLIT.symbol).grid(chunks, (long) n * groups, 1).block(BLOCK, 1, 1)
                .run(CudaBackend.ptr(out), CudaBackend.ptr(x), CudaBackend.ptr(partial), CudaBackend.ptrOrNull(gamma),
                        CudaBackend.ptrOrNull(beta), CudaBackend.ptrOrNull(scale), CudaBackend.ptrOrNull(shift), n, c, s, groups,
                        chunks, eps, silu ? 1 : 0);
    }
}
