package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * Loads one parameter for a layer: checked shape, widened to F32 once, placed on the backend's
 * device, and named in {@link WeightNames} for per-module profiling.
 */
public final class Params {
    private Params() {}

    public static Tensor load(Backend backend, Weights w, String name, long... shape) {
        Tensor t = w.get(name, shape);
        Tensor loaded = backend.upload(t.dtype() == DType.F32 ? t.contiguous() : t.to(DType.F32));
        WeightNames.register(loaded, w.prefix() + name);
        return loaded;
    }
}
