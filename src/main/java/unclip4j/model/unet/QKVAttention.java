package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.model.AttentionWeights;
import unclip4j.model.MaskCache;
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
    private final MaskCache keyMasks = new MaskCache();

    public QKVAttention(Backend backend, int nHeads) {
        this.backend = backend;
        this.nHeads = nHeads;
    }

    /** q {@code (B, heads, T, ch)}; k, v {@code (B, heads, S + T, ch)}, encoder tokens first; keyMask additive {@code (B, S + T)}. */
    public record Heads(Tensor q, Tensor k, Tensor v, Tensor keyMask, int encoderTokens) {}

    /**
     * Splits the projections into heads and puts the encoder tokens before the spatial keys: qkv
     * {@code (B, 3·C, T)}, encoderKv {@code (B, 2·C, S)}, mask additive {@code (B, S)} (0 or -inf).
     */
    public Heads split(Tensor qkv, Tensor encoderKv, Tensor mask) {
        int b = qkv.dim(0), t = qkv.dim(2), s = encoderKv.dim(2);
        int ch = qkv.dim(1) / (3 * nHeads);
        Tensor perHead = qkv.reshape(b, nHeads, 3, ch, t);           // (B, heads, [q|k|v], ch, T)
        Tensor encHeads = encoderKv.reshape(b, nHeads, 2, ch, s);    // (B, heads, [k|v], ch, S)
        Tensor q = perHead.select(2, 0).transpose(2, 3);             // (B, heads, T, ch)
        Tensor k = backend.concat(2, encHeads.select(2, 0).transpose(2, 3), perHead.select(2, 1).transpose(2, 3));
        Tensor v = backend.concat(2, encHeads.select(2, 1).transpose(2, 3), perHead.select(2, 2).transpose(2, 3));
        // k, v (B, heads, S + T, ch): context first. F.pad(mask, (0, T), value=0.0): spatial keys are never masked
        Tensor keyMask = keyMasks.get(mask, t, () -> backend.concat(1, mask, backend.upload(Tensor.zeros(DType.F32, b, t)))); // (B, S + T)
        return new Heads(q, k, v, keyMask, s);
    }

    /** The attention itself: {@code (B, C, T)} with channel {@code ch·h + d}. */
    public Tensor attend(Heads h) {
        int b = h.q().dim(0), t = h.q().dim(2), ch = h.q().dim(3);
        // Karlo scales q and k by ch^-1/4 each (fp16 headroom); together that is 1/sqrt(ch) on q·k
        Tensor a = backend.attention(h.q(), h.k(), h.v(), h.keyMask(), false, scale(ch)); // (B, heads, T, ch)
        return backend.contiguous(a.transpose(2, 3)).reshape(b, nHeads * ch, t);          // (B, C, T)
    }

    /** Sample 0's attention weights on the S encoder tokens, averaged over heads: {@code [T][S]} row-major on the host. */
    public float[] encoderWeights(Heads h) {
        return AttentionWeights.meanOverHeads(backend, h.q().select(0, 0), h.k().select(0, 0), h.keyMask().select(0, 0),
                scale(h.q().dim(3)), h.encoderTokens());
    }

    private static float scale(int ch) {
        return (float) (1.0 / Math.sqrt(ch));
    }
}
