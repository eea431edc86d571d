package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/** torch.nn.Conv2d with square kernel: keys {@code weight [out, in, k, k]}, {@code bias [out]} (optional). */
public final class Conv2d {
    private final Backend backend;
    private final Tensor weight;
    private final Tensor bias;
    private final int stride;
    private final int padding;

    /** Stride 1, padding k/2 ("same"), with bias: the U-Net convention. */
    public Conv2d(Backend backend, Weights w, int in, int out, int kernel) {
        this(backend, w, in, out, kernel, 1, kernel / 2, true);
    }

    public Conv2d(Backend backend, Weights w, int in, int out, int kernel, int stride, int padding, boolean hasBias) {
        this.backend = backend;
        this.weight = Params.load(backend, w, "weight", out, in, kernel, kernel);
        this.bias = hasBias ? Params.load(backend, w, "bias", out) : null;
        this.stride = stride;
        this.padding = padding;
    }

    /** x {@code [N, in, H, W]} → {@code [N, out, H', W']}. */
    public Tensor forward(Tensor x) {
        return backend.conv2d(x, weight, bias, stride, padding);
    }
}
