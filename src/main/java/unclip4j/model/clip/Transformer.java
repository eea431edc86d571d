package unclip4j.model.clip;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/** openai/CLIP {@code clip/model.py Transformer}: a stack of {@link ResidualAttentionBlock}s at {@code resblocks.{i}}. */
public final class Transformer {
    private final ResidualAttentionBlock[] resblocks; // resblocks.{i}

    public Transformer(Backend backend, Weights w, int width, int layers, int heads, boolean causal) {
        this.resblocks = new ResidualAttentionBlock[layers];
        for (int i = 0; i < layers; i++) {
            resblocks[i] = new ResidualAttentionBlock(backend, w.at("resblocks." + i), width, heads, causal);
        }
    }

    /** x {@code [N, T, W]} → {@code [N, T, W]}; each block's intermediates are freed as it returns. */
    public Tensor forward(Tensor x) {
        for (ResidualAttentionBlock block : resblocks) {
            try (TensorScope scope = TensorScope.open()) {
                x = scope.keep(block.forward(x));
            }
        }
        return x;
    }
}
