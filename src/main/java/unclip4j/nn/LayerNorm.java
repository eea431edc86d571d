package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/** torch.nn.LayerNorm over the last axis, eps 1e-5 (CLIP, prior, decoder text_seq_proj.1): keys {@code weight}, {@code bias}. */
public final class LayerNorm {
    private final Backend backend;
    private final Tensor weight;
    private final Tensor bias;
    private final float eps;

    public LayerNorm(Backend backend, Weights w, int width) {
        this(backend, w, width, 1e-5f);
    }

    public LayerNorm(Backend backend, Weights w, int width, float eps) {
        this.backend = backend;
        this.weight = Params.load(backend, w, "weight", width);
        this.bias = Params.load(backend, w, "bias", width);
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return backend.layerNorm(x, weight, bias, eps);
    }
}
