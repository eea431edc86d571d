package unclip4j.model.prior;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Linear;
import unclip4j.tensor.Tensor;

/** Karlo {@code karlo/modules/xf.py ResidualAttentionBlock}: pre-LN, causal + key-padding attention, exact-GELU MLP (spec §5). */
final class ResidualAttentionBlock {
    private final Backend backend;
    private final MultiheadAttention attn; // attn
    private final LayerNorm ln1;           // ln_1
    private final Linear cFc;              // mlp.c_fc (mlp.gelu is exact erf GELU, no weights)
    private final Linear cProj;            // mlp.c_proj
    private final LayerNorm ln2;           // ln_2

    ResidualAttentionBlock(Backend backend, Weights w, int width, int heads) {
        this.backend = backend;
        this.attn = new MultiheadAttention(backend, w.at("attn"), width, heads);
        this.ln1 = new LayerNorm(backend, w.at("ln_1"), width);
        this.cFc = new Linear(backend, w.at("mlp.c_fc"), width, 4 * width);
        this.cProj = new Linear(backend, w.at("mlp.c_proj"), 4 * width, width);
        this.ln2 = new LayerNorm(backend, w.at("ln_2"), width);
    }

    /** x {@code [B, T, W]}, keyMask additive {@code [B, T]} → {@code [B, T, W]}; probe may be null (see {@link MultiheadAttention#forward}). */
    Tensor forward(Tensor x, Tensor keyMask, AttentionProbe probe) {
        x = backend.add(x, attn.forward(ln1.forward(x), keyMask, probe));               // x + attn(ln_1(x))
        return backend.add(x, cProj.forward(backend.gelu(cFc.forward(ln2.forward(x))))); // x + mlp(ln_2(x))
    }
}
