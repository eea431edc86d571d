package unclip4j.model.clip;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Linear;
import unclip4j.tensor.Tensor;

/**
 * openai/CLIP {@code clip/model.py ResidualAttentionBlock}: pre-LN self-attention and a QuickGELU MLP,
 * shared by the text (causal) and image (unmasked) transformers (spec §3, §4).
 */
public final class ResidualAttentionBlock {
    private final Backend backend;
    private final MultiheadAttention attn; // attn
    private final LayerNorm ln1;           // ln_1
    private final Linear cFc;              // mlp.c_fc (mlp.gelu is QuickGELU, no weights)
    private final Linear cProj;            // mlp.c_proj
    private final LayerNorm ln2;           // ln_2
    private final boolean causal;          // attn_mask: the text tower's causal mask, absent in the image tower

    public ResidualAttentionBlock(Backend backend, Weights w, int width, int heads, boolean causal) {
        this.backend = backend;
        this.attn = new MultiheadAttention(backend, w.at("attn"), width, heads);
        this.ln1 = new LayerNorm(backend, w.at("ln_1"), width);
        this.cFc = new Linear(backend, w.at("mlp.c_fc"), width, 4 * width);
        this.cProj = new Linear(backend, w.at("mlp.c_proj"), 4 * width, width);
        this.ln2 = new LayerNorm(backend, w.at("ln_2"), width);
        this.causal = causal;
    }

    /** x {@code [N, T, W]} → {@code [N, T, W]}. */
    public Tensor forward(Tensor x) {
        x = backend.add(x, attn.forward(ln1.forward(x), causal));                           // x + attn(ln_1(x))
        return backend.add(x, cProj.forward(backend.quickGelu(cFc.forward(ln2.forward(x))))); // x + mlp(ln_2(x))
    }
}
