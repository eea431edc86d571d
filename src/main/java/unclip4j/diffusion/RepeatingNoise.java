package unclip4j.diffusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import unclip4j.backend.Backend;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * Serves the same draws on every pass: the first pass takes them from a source and keeps a host
 * copy; after {@link #rewind()} each stage's draws come again in the same order. This holds the
 * decoder and super-resolution noise fixed across the frames of an interpolation, so that only the
 * embedding changes from frame to frame.
 */
public final class RepeatingNoise implements NoiseSource {
    private final NoiseSource source;
    private final Backend backend;
    private final Map<String, List<Tensor>> kept = new HashMap<>();
    private final Map<String, Integer> next = new HashMap<>();

    public RepeatingNoise(NoiseSource source, Backend backend) {
        this.source = source;
        this.backend = backend;
    }

    @Override
    public Tensor next(String stage, long... shape) {
        int index = next.merge(stage, 1, Integer::sum) - 1;
        List<Tensor> draws = kept.computeIfAbsent(stage, s -> new ArrayList<>());
        if (index == draws.size()) {
            Tensor t = source.next(stage, shape);
            draws.add(backend.download(t).copy());
            return t;
        }
        Tensor kept = draws.get(index);
        if (!Arrays.equals(kept.shape(), shape)) {
            throw new IllegalArgumentException(NoiseSource.drawName(stage, index) + " was drawn as " + Shape.toString(kept.shape())
                    + " but is now asked for as " + Shape.toString(shape) + "; repeated passes must have the same shapes");
        }
        // a copy, so a loop that works in place cannot change the draw for later passes
        return backend.upload(kept.copy());
    }

    /** Starts the next pass: every stage's draws repeat from the first. */
    public void rewind() {
        next.clear();
    }
}
