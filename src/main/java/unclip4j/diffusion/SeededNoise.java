package unclip4j.diffusion;

import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;

/**
 * Draws from the backend's counter-based Philox generator: draw i of the whole run starts at the
 * element offset where draw i-1 ended, so a seed gives the same numbers on every backend and the
 * draws do not depend on how a stage is batched internally.
 */
public final class SeededNoise implements NoiseSource {
    private final Backend backend;
    private final long seed;
    private long offset;

    public SeededNoise(Backend backend, long seed) {
        this.backend = backend;
        this.seed = seed;
    }

    @Override
    public Tensor next(String stage, long... shape) {
        Tensor t = backend.randn(seed, offset, shape);
        // keep every draw on a Philox block boundary (4 values), so draws never share a block
        offset += (t.numel() + 3) / 4 * 4;
        return t;
    }

    public long seed() {
        return seed;
    }
}
