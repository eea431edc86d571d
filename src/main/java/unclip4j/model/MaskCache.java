package unclip4j.model;

import java.util.function.Supplier;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * What a layer builds from an attention mask, built again only for another mask. A sampling loop
 * passes the same mask tensor at every step (tensors are not changed in place), so the additive and
 * padded masks are built once per sampling instead of once per step and layer: on CUDA each build
 * copies through the host, and every copy waits for the queued work. The built tensor lives
 * outside any {@link TensorScope}: it outlasts the step that built it. One thread per model.
 */
public final class MaskCache {
    private Tensor lastMask;
    private long lastVariant;
    private Tensor built;

    /** {@code build}'s result for this mask (compared by identity) and variant (e.g. a token count), cached. */
    public Tensor get(Tensor mask, long variant, Supplier<Tensor> build) {
        if (built == null || mask != lastMask || variant != lastVariant) {
            built = TensorScope.outside(build);
            lastMask = mask;
            lastVariant = variant;
        }
        return built;
    }
}
