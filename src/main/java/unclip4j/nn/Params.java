package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * Loads one parameter for a layer: checked shape, converted once to the storage dtype the
 * {@link Weights} ask for (F32 by default; F16/BF16 halve the memory, the backends widen them to
 * F32 for the arithmetic), placed on the backend's device, and named in {@link WeightNames} for
 * per-module profiling.
 */
public final class Params {
    private Params() {}

    public static Tensor load(Backend backend, Weights w, String name, long... shape) {
        return load(backend, w, name, w.storage(), shape);
    }

    /**
     * A learned vector that enters the data flow as an activation (a token such as {@code prd_emb},
     * {@code class_embedding}, {@code cf_param}, or a positional embedding): always F32, whatever
     * storage the weights use, since it is concatenated with activations and is tiny.
     */
    public static Tensor loadActivation(Backend backend, Weights w, String name, long... shape) {
        return load(backend, w, name, DType.F32, shape);
    }

    private static Tensor load(Backend backend, Weights w, String name, DType storage, long... shape) {
        Tensor t = w.get(name, shape);
        Tensor loaded = backend.upload(t.dtype() == storage ? t.contiguous() : t.to(storage));
        WeightNames.register(loaded, w.prefix() + name);
        return loaded;
    }
}
