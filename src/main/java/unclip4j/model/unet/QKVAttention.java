package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * karlo/modules/unet.py {@code QKVAttention} with encoder keys/values (the "legacy", head-interleaved
 * layout, spec §6.3 and §14 item 4): the fused projection holds, per head h, [q | k | v] at channels
 * {@code 3·ch·h + {0, ch, 2·ch} + d}; the encoder projection holds [k | v] per head at
 * {@code 2·ch·h + {0, ch} + d}. Keys and values are the S encoder tokens first, then the T spatial positions.
 */
public final class QKVAttention {
    private final Backend backend;
    private final int nHeads;

    public QKVAttention(Backend backend, int nHeads) {
        this.backend = backend;
        this.nHeads = nHeads;
    }

    /**
     * qkv {@code (B, 3·C, T)}, encoderKv {@code (B, 2·C, S)}, mask additive {@code (B, S)} (0 or -inf)
     * → {@code (B, C, T)} with channel {@code ch·h + d}.
     */
    public Tensor forward(Tensor qkv, Tensor encoderKv, Tensor mask) {
        int b = qkv.dim(0), t = qkv.dim(2), s = encoderKv.dim(2);
        int ch = qkv.dim(1) / (3 * nHeads);
        Tensor heads = qkv.reshape(b, nHeads, 3, ch, t);             // (B, heads, [q|k|v], ch, T)
        Tensor encHeads = encoderKv.reshape(b, nHeads, 2, ch, s);    // (B, heads, [k|v], ch, S)
        Tensor q = heads.select(2, 0).transpose(2, 3);               // (B, heads, T, ch)
        Tensor k = backend.concat(2, encHeads.select(2, 0).transpose(2, 3), heads.select(2, 1).transpose(2, 3));
        Tensor v = backend.concat(2, encHeads.select(2, 1).transpose(2, 3), heads.select(2, 2).transpose(2, 3));
        // k, v (B, heads, S + T, ch): context first. F.pad(mask, (0, T), value=0.0): spatial keys are never masked
        Tensor keyMask = backend.concat(1, mask, backend.upload(Tensor.zeros(DType.F32, b, t))); // (B, S + T)
        // Karlo scales q and k by ch^-1/4 each (fp16 headroom); together that is 1/sqrt(ch) on q·k
        Tensor a = backend.attention(q, k, v, keyMask, false, (float) (1.0 / Math.sqrt(ch))); // (B, heads, T, ch)
        return backend.contiguous(a.transpose(2, 3)).reshape(b, nHeads * ch, t);              // (B, C, T)
    }
}
