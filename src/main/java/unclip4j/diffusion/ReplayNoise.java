package unclip4j.diffusion;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TensorInfo;
import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * Replays recorded draws from a safetensors file whose tensors are named {@code noise.<stage>.<NNN>}
 * (the fixtures' layout, and what {@code --save-noise} writes). A missing or mis-shaped draw is an
 * error that names it: silently substituting fresh noise would make a parity run meaningless.
 */
public final class ReplayNoise implements NoiseSource {
    private final SafetensorsFile file;
    private final Backend backend;
    private final Map<String, Integer> next = new HashMap<>();
    private final Set<String> finite = new HashSet<>();

    public ReplayNoise(Path path, Backend backend) {
        this.file = SafetensorsFile.open(path);
        this.backend = backend;
    }

    @Override
    public Tensor next(String stage, long... shape) {
        int index = next.merge(stage, 1, Integer::sum) - 1;
        return backend.upload(file.get(checkedName(stage, index, shape)));
    }

    /**
     * Fails unless the file holds draws 0..count-1 of a stage with this shape, so that a wrong file
     * is reported before a run loads its models rather than in the middle of its loop.
     */
    public void requireDraws(String stage, int count, long... shape) {
        for (int i = 0; i < count; i++) checkedName(stage, i, shape);
    }

    /** A NaN draw would turn the whole sample into NaN: said here, naming the draw, before the run. */
    private void requireFinite(String name) {
        float[] values = file.get(name).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(file.path() + ": " + name + " holds " + values[i] + " at element " + i);
            }
        }
    }

    /** The name of a draw, once the file is known to hold it with this shape, in F32. */
    private String checkedName(String stage, int index, long[] shape) {
        String name = NoiseSource.drawName(stage, index);
        if (!file.tensors().contains(name)) {
            throw new IllegalArgumentException(file.path() + " has no tensor " + name + " (the run needs draw " + index
                    + " of stage '" + stage + "', shape " + Shape.toString(shape) + ")");
        }
        TensorInfo t = file.tensors().info(name);
        if (!Arrays.equals(t.shape(), shape) || t.dtype() != DType.F32) {
            throw new IllegalArgumentException(file.path() + ": " + name + " is " + t.dtype() + Shape.toString(t.shape())
                    + " but the run needs F32" + Shape.toString(shape) + " (different batch size or model?)");
        }
        if (finite.add(name)) requireFinite(name);
        return name;
    }
}
