package unclip4j.model.prior;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.model.AttentionWeights;
import unclip4j.nn.Linear;
import unclip4j.tensor.Tensor;

/**
 * Karlo {@code karlo/modules/xf.py MultiheadAttention} with its weightless {@code QKVMultiheadAttention}
 * (spec §5). The fused {@code c_qkv} output is <b>head-interleaved</b>: head h owns the 3·D channels
 * {@code [3D·h, 3D·(h+1))} split as q | k | v (§14.4, not CLIP's block [Q; K; V] layout).
 */
final class MultiheadAttention {
    private final Backend backend;
    private final Linear cQkv;  // c_qkv: W → 3W
    private final Linear cProj; // c_proj
    private final int heads;
    private final int headDim;
    private final String module; // the checkpoint prefix, for attention probes

    MultiheadAttention(Backend backend, Weights w, int width, int heads) {
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not a multiple of heads " + heads);
        this.backend = backend;
        this.cQkv = new Linear(backend, w.at("c_qkv"), width, 3 * width);
        this.cProj = new Linear(backend, w.at("c_proj"), width, width);
        this.heads = heads;
        this.headDim = width / heads;
        this.module = w.module();
    }

    /**
     * x {@code [B, T, W]}, keyMask additive {@code [B, T]} (0 or -inf), plus the causal mask → {@code [B, T, W]};
     * the probe, if not null, sees the weights of sample 0's last query (the token the prior reads).
     */
    Tensor forward(Tensor x, Tensor keyMask, AttentionProbe probe) {
        long b = x.size(0), t = x.size(1);
        Tensor qkv = cQkv.forward(x).reshape(b, t, heads, 3L * headDim);
        Tensor q = qkv.slice(3, 0, headDim).permute(0, 2, 1, 3); // [B, H, T, D] views
        Tensor k = qkv.slice(3, headDim, 2L * headDim).permute(0, 2, 1, 3);
        Tensor v = qkv.slice(3, 2L * headDim, 3L * headDim).permute(0, 2, 1, 3);
        // Karlo scales q and k by D^-1/4 each (to keep fp16 in range); in float32 that is one 1/sqrt(D)
        if (probe != null) probe.record(module, 1, 1, lastQueryWeights(q, k, keyMask));
        Tensor o = backend.attention(q, k, v, keyMask, true, (float) (1.0 / Math.sqrt(headDim)));
        Tensor merged = backend.contiguous(o.permute(0, 2, 1, 3)).reshape(b, t, (long) heads * headDim); // channel D·h + d
        return cProj.forward(merged);
    }

    /** Sample 0's last query over all T keys (causality hides none from it), averaged over heads. */
    private float[] lastQueryWeights(Tensor q, Tensor k, Tensor keyMask) {
        int t = q.dim(2);
        return AttentionWeights.meanOverHeads(backend, q.select(0, 0).slice(1, t - 1, t), k.select(0, 0), keyMask.select(0, 0),
                (float) (1.0 / Math.sqrt(headDim)), t);
    }
}
