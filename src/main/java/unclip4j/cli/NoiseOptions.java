package unclip4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.LongStream;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.RecordingNoise;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.diffusion.SeededNoise;

/** {@code --seed N | --noise FILE} and {@code --save-noise FILE}, shared by every sampling command. */
public final class NoiseOptions {
    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the Philox generator (same numbers on every backend). Picture i of the run draws from seed N + i, "
                    + "so --seed N+i alone redraws it (bit for bit on the CPU, up to rounding on CUDA); the frames of interpolate "
                    + "and textdiff share seed N's noise. Default: 0.")
    Long seed;

    @Option(names = "--noise", paramLabel = "FILE",
            description = "Replay recorded draws (noise.<stage>.<NNN> tensors, as --save-noise and the fixtures write them) instead of seeding.")
    Path noise;

    @Option(names = "--save-noise", paramLabel = "FILE", description = "Write every draw of the run to FILE (safetensors) for replay.")
    Path saveNoise;

    private ReplayNoise replay;
    private RecordingNoise recording;

    /**
     * The run's noise source; recording when --save-noise is set.
     *
     * @param pictures independent pictures of the run, each seeded with seed + its index (1 where all
     *                 pictures share one noise, as the frames of an interpolation)
     */
    public NoiseSource open(Backend backend, int pictures) {
        return open(backend, stage -> pictures);
    }

    /** As {@link #open(Backend, int)}, with a number of pictures per stage ({@link SeededNoise}). */
    public NoiseSource open(Backend backend, ToIntFunction<String> picturesOf) {
        if (seed != null && noise != null) throw new IllegalArgumentException("--seed and --noise exclude each other");
        if (noise != null) replay = new ReplayNoise(noise, backend);
        NoiseSource source = replay != null ? replay : new SeededNoise(backend, seed(), picturesOf);
        if (saveNoise == null) return source;
        recording = new RecordingNoise(source, backend);
        return recording;
    }

    /**
     * Seeded noise for pictures [first, first + count) of a run that draws them apart from the others
     * (in several batches): they draw what they would draw in one batch.
     */
    NoiseSource openPart(Backend backend, int first, int count) {
        if (!seedsOnly()) throw new IllegalStateException("--noise and --save-noise hold one batch's draws");
        return new SeededNoise(backend, seed() + first, count);
    }

    /** Whether the draws come from --seed alone (no replayed or recorded file), so pictures can be drawn in parts. */
    boolean seedsOnly() {
        return noise == null && saveNoise == null;
    }

    /** With --noise, fails unless the file holds the draws a stage will ask for (see {@link ReplayNoise#requireDraws}); call after open. */
    public void requireDraws(String stage, int count, long... shape) {
        if (replay != null) replay.requireDraws(stage, count, shape);
    }

    /** Writes the recorded draws if --save-noise was given; call after the run succeeded. */
    public void saveIfRequested() {
        if (recording != null) recording.save(saveNoise);
    }

    public Path saveNoisePath() {
        return saveNoise;
    }

    public String describe() {
        return describe(1);
    }

    /** As {@link #describe()}, saying how the pictures' seeds follow from --seed when there are several. */
    public String describe(int pictures) {
        if (noise != null) return "replay " + noise;
        return "seed " + seed() + (pictures > 1 ? " (picture i: seed " + seed() + " + i)" : "");
    }

    /** The manifest's noise entry: the replayed file, or the seed and, for several pictures, each picture's seed. */
    Map<String, Object> manifest(int pictures) {
        if (noise != null) return RunManifest.map("replay", noise.toAbsolutePath().normalize().toString());
        Map<String, Object> m = RunManifest.map("seed", seed(), "streams", SeededNoise.STREAMS);
        if (pictures > 1) m.put("picture_seeds", LongStream.range(0, pictures).map(i -> seed() + i).boxed().toList());
        return m;
    }

    long seed() {
        return seed == null ? 0 : seed;
    }
}
