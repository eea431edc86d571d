package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/** {@code y = x·Wᵀ + b} (torch.nn.Linear): keys {@code weight [out, in]}, {@code bias [out]}. */
public final class Linear {
    private final Backend backend;
    final Tensor weight;
    final Tensor bias;

    public Linear(Backend backend, Weights w, int in, int out) {
        this.backend = backend;
        this.weight = Params.load(backend, w, "weight", out, in);
        this.bias = Params.load(backend, w, "bias", out);
    }

    /** x {@code [..., in]} → {@code [..., out]}. */
    public Tensor forward(Tensor x) {
        return backend.linear(x, weight, bias);
    }
}
