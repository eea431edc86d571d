package unclip4j.diffusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;

/**
 * Draws from the backend's counter-based Philox generator, one stream per picture and stage, so that
 * a picture's noise depends only on its own seed: picture i of a run seeded with S draws exactly what
 * a one-picture run seeded with S + i draws, whatever the batch, and every stage's draws are the same
 * whether the stages run in one command or apart ({@code prior} then {@code decode}).
 *
 * <ul>
 *   <li>Every draw {@code [R, ...]} has R = k·pictures rows. Row r belongs to picture {@code r mod
 *       pictures} and is the {@code (r / pictures)}-th of that picture's k rows: the layout of a
 *       batch repeated k times, as classifier-free guidance's {@code cat([x, x])} and reranking's
 *       candidates (candidate-major) lay it out.</li>
 *   <li>Picture p's rows come from the Philox stream with key {@code seed + p}. In it, each stage
 *       starts at its own element offset ({@link #stageBase}) and continues where its previous draw
 *       ended, rounded up to a Philox block (4 values); a draw's k rows follow each other.</li>
 * </ul>
 */
public final class SeededNoise implements NoiseSource {
    /** The stages that draw, in the order of their streams' offsets. */
    static final List<String> STAGES = List.of("prior", "decoder", "sr");
    /** Room per stage: 2^40 normals, far more than any run draws (a 256² SR draw is 2^18 per row). */
    static final long STAGE_SPAN = 1L << 40;
    /**
     * The scheme in one line, for run manifests: a seeded manifest without it was written before the
     * streams were split by picture and stage, and its seed draws other pictures now.
     */
    public static final String STREAMS = "Philox4x32-10 normals; picture i: key seed+i; stages from offsets prior 0, decoder 2^40, sr 2^41";

    private final Backend backend;
    private final long seed;
    private final ToIntFunction<String> picturesOf;
    private final Map<String, Long> used = new HashMap<>();

    /**
     * One picture's stream for every row: draws are plain {@code randn(seed, offset, shape)} calls.
     * Library API for researchers (the commands say how many pictures they draw for).
     */
    public SeededNoise(Backend backend, long seed) {
        this(backend, seed, 1);
    }

    /** @param pictures the pictures the run draws for; picture p takes the stream of {@code seed + p} */
    public SeededNoise(Backend backend, long seed, int pictures) {
        this(backend, seed, stage -> pictures);
    }

    /**
     * @param picturesOf the pictures each stage draws for: an interpolation's prior samples its two
     *                   endpoints (2), while its frames share one decoder noise (1)
     */
    public SeededNoise(Backend backend, long seed, ToIntFunction<String> picturesOf) {
        this.backend = backend;
        this.seed = seed;
        this.picturesOf = picturesOf;
    }

    @Override
    public Tensor next(String stage, long... shape) {
        int pictures = picturesOf.applyAsInt(stage);
        if (pictures < 1) throw new IllegalArgumentException("seeded noise needs at least one picture, got " + pictures + " for " + stage);
        if (shape.length == 0 || shape[0] % pictures != 0) {
            throw new IllegalArgumentException("a " + stage + " draw of shape " + Arrays.toString(shape) + " has no whole number of rows for each of "
                    + pictures + " pictures");
        }
        long rows = shape[0] / pictures, rowSize = 1;
        for (int i = 1; i < shape.length; i++) rowSize *= shape[i];
        long done = used.getOrDefault(stage, 0L), offset = stageBase(stage) + done;
        // the next draw starts on a Philox block boundary (4 values), so draws never share a block
        used.put(stage, done + (rows * rowSize + 3) / 4 * 4);
        if (pictures == 1 || rows == 0) return backend.randn(seed, offset, shape);
        // one draw per picture (its rows follow each other in its stream), then rows interleaved picture by picture
        long[] own = shape.clone();
        own[0] = rows;
        Tensor[] streams = new Tensor[pictures];
        for (int p = 0; p < pictures; p++) streams[p] = backend.randn(seed + p, offset, own);
        List<Tensor> parts = new ArrayList<>();
        for (long q = 0; q < rows; q++) {
            for (Tensor stream : streams) parts.add(stream.slice(0, q, q + 1));
        }
        return backend.concat(0, parts.toArray(Tensor[]::new));
    }

    /** Where a stage's draws start in every picture's stream. */
    static long stageBase(String stage) {
        int index = STAGES.indexOf(stage);
        if (index < 0) throw new IllegalArgumentException("no noise stream for stage '" + stage + "' (stages: " + String.join(", ", STAGES) + ")");
        return index * STAGE_SPAN;
    }
}
