package unclip4j.backend.cuda.kernels;

import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Launch;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.Tensor;

/** Launchers for kernels/attention.cu. */
public enum AttentionKernel implements KernelVariant {
    V1_NAIVE("attention_v1_naive", "one thread per query row, two passes over the keys"),
    V2_FLASH("attention_v2_flash", "16-query tiles, 32-key K/V tiles in shared memory, online softmax"),
    V3_MMA_F16("attention_v3_mma_f16", "v2 on the tensor cores: mma.sync m16n8k16 on fp16 Q/K/V/P, fp32 softmax state (head size 64, else v2)");

    public static final AttentionKernel DEFAULT = V2_FLASH;
    /** Largest head size v2 keeps in registers (kernels/attention.cu ATT_MAXD); larger heads run v1. */
    public static final int FLASH_MAX_HEAD = 128;
    /** The one head size v3 is written for (ATT3_D: every attention in Karlo); others run v2. */
    public static final int MMA_HEAD = 64;
    private static final int MMA_ROWS = 64;
    private static final int FLASH_ROWS = 16, FLASH_KEYS = 32;

    private final String symbol, idea;

    AttentionKernel(String symbol, String idea) {
        this.symbol = symbol;
        this.idea = idea;
    }

    @Override public String family() { return "attention"; }
    @Override public String id() { return KernelVariant.idOf(family(), symbol); }
    @Override public String symbol() { return symbol; }
    @Override public String module() { return "attention"; }
    @Override public String idea() { return idea; }
    @Override public boolean isDefault() { return this == DEFAULT; }

    /**
     * q, k, v contiguous F32 [B, H, T, D]; keyMask contiguous F32 [B, Tk] or null; noKey an I32 flag
     * set when a query sees no key, or null to skip that bookkeeping.
     */
    public void launch(CudaBackend be, Tensor out, Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale, Tensor noKey) {
        int b = q.dim(0), h = q.dim(1), tq = q.dim(2), d = q.dim(3), tk = k.dim(2), dv = v.dim(3);
        boolean mma = this == V3_MMA_F16 && d == MMA_HEAD && dv == MMA_HEAD;
        boolean flash = !mma && this != V1_NAIVE && d <= FLASH_MAX_HEAD && dv <= FLASH_MAX_HEAD;
        Launch l = Launch.kernel(be.context(), module(), mma ? symbol : flash ? V2_FLASH.symbol : V1_NAIVE.symbol);
        if (mma) {
            l.grid(Math.ceilDiv(tq, MMA_ROWS), (long) b * h, 1).block(128, 1, 1); // static shared memory
        } else if (flash) {
            int smem = 4 * (FLASH_ROWS * d + FLASH_KEYS * (d + 1) + FLASH_KEYS * dv);
            l.grid(Math.ceilDiv(tq, FLASH_ROWS), (long) b * h, 1).block(128, 1, 1).shared(smem);
        } else {
            l.grid(Math.ceilDiv((long) b * h * tq, 128), 1, 1).block(128, 1, 1);
        }
        l.run(CudaBackend.ptr(out), CudaBackend.ptr(q), CudaBackend.ptr(k), CudaBackend.ptr(v), CudaBackend.ptrOrNull(keyMask),
                b, h, tq, tk, d, dv, causal ? 1 : 0, scale, CudaBackend.ptrOrNull(noKey));
    }
}
