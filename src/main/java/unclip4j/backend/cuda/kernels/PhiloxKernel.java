package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/philox.cu: {@code randn} and the raw-word check kernel. */
public enum PhiloxKernel implements KernelVariant {
    RANDN_V1_NAIVE("randn", "randn_v1_naive", "one thread per Philox block (four normals)"),
    WORDS("philox", "philox_words", "raw Philox4x32-10 words, for the bit-exact test against Philox.block");

    private final String family, symbol, idea;

    PhiloxKernel(String family, String symbol, String idea) {
        this.family = family;
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return family; }
    @Override public String id() { return KernelVariant.idOf(family, symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "philox"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return true; }

    /** out: contiguous F32 with n elements, element i = Philox.normal(seed, offset + i). */
    public static void randn(CudaBackend be, Tensor out, long seed, long offset) {
        long n = out.numel();
        long blocks = Math.ceilDiv(offset + n, 4) - offset / 4;
        Launch.kernel(be.context(), "philox", RANDN_V1_NAIVE.symbol).cover(blocks, 256).run(CudaBackend.ptr(out), seed, offset, n);
    }

    /** out: contiguous I32 with 4·count elements, the words of blocks [b0, b0 + count). */
    public static void words(CudaBackend be, Tensor out, long seed, long b0, long count) {
        Launch.kernel(be.context(), "philox", WORDS.symbol).cover(count, 256).run(CudaBackend.ptr(out), seed, b0, count);
    }
}
