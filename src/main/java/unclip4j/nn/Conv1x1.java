package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/**
 * A kernel-size-1 Conv1d (guided-diffusion's {@code conv_nd(1, ...)}): keys {@code weight [out, in, 1]},
 * {@code bias [out]}. It is a Linear over the channel axis of {@code [N, C, T]}, computed as one GEMM per sample.
 */
public final class Conv1x1 {
    private final Backend backend;
    private final Tensor weight; // [out, in] view of the stored [out, in, 1]
    private final Tensor bias;

    public Conv1x1(Backend backend, Weights w, int in, int out) {
        this.backend = backend;
        this.weight = Params.load(backend, w, "weight", out, in, 1).reshape(out, in);
        this.bias = Params.load(backend, w, "bias", out);
    }

    /** x {@code [N, in, T]} → {@code [N, out, T]}: y[n] = W·x[n] + b. */
    public Tensor forward(Tensor x) {
        long n = x.size(0), t = x.size(2);
        // W [out,in] · x[n] [in,T] for every n: a batched product with W shared
        Tensor y = backend.matmul(weight, false, x, false, 1f, null, null, 0f); // [N, out, T]
        return backend.add(y, bias.reshape(1, -1, 1)).reshape(n, weight.size(0), t);
    }
}
