package unclip4j.model.clip;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.nn.Linear;
import unclip4j.nn.Params;
import unclip4j.tensor.Tensor;

/**
 * {@code torch.nn.MultiheadAttention(width, heads)} as CLIP uses it (self-attention, batch-first here).
 * The fused input projection is stored in <b>block</b> layout: rows {@code [Wq; Wk; Wv]}, each
 * {@code width} rows, and head h is columns {@code [h·D, (h+1)·D)} of q, k and v (spec §3, §14.4:
 * not head-interleaved like the prior's {@code c_qkv}).
 */
public final class MultiheadAttention {
    private final Backend backend;
    private final Tensor inProjWeight; // in_proj_weight [3W, W]
    private final Tensor inProjBias;   // in_proj_bias [3W]
    private final Linear outProj;      // out_proj
    private final int heads;
    private final int headDim;

    public MultiheadAttention(Backend backend, Weights w, int width, int heads) {
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not a multiple of heads " + heads);
        this.backend = backend;
        this.inProjWeight = Params.load(backend, w, "in_proj_weight", 3L * width, width);
        this.inProjBias = Params.load(backend, w, "in_proj_bias", 3L * width);
        this.outProj = new Linear(backend, w.at("out_proj"), width, width);
        this.heads = heads;
        this.headDim = width / heads;
    }

    /** x {@code [N, T, W]} → {@code [N, T, W]}; causal masks key j for query i when j > i. */
    public Tensor forward(Tensor x, boolean causal) {
        long n = x.size(0), t = x.size(1);
        Tensor qkv = backend.linear(x, inProjWeight, inProjBias).reshape(n, t, 3, heads, headDim);
        Tensor q = qkv.select(2, 0).permute(0, 2, 1, 3); // [N, H, T, D] views
        Tensor k = qkv.select(2, 1).permute(0, 2, 1, 3);
        Tensor v = qkv.select(2, 2).permute(0, 2, 1, 3);
        Tensor o = backend.attention(q, k, v, null, causal, (float) (1.0 / Math.sqrt(headDim)));
        Tensor merged = backend.contiguous(o.permute(0, 2, 1, 3)).reshape(n, t, (long) heads * headDim); // heads concatenated in order
        return outProj.forward(merged);
    }
}
