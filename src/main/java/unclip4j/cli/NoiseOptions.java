package unclip4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.RecordingNoise;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.diffusion.SeededNoise;

/** {@code --seed N | --noise FILE} and {@code --save-noise FILE}, shared by every sampling command. */
public final class NoiseOptions {
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the Philox generator (same numbers on every backend). Default: 0.")
    Long seed;

    @Option(names = "--noise", paramLabel = "FILE",
            description = "Replay recorded draws (noise.<stage>.<NNN> tensors, as --save-noise and the fixtures write them) instead of seeding.")
    Path noise;

    @Option(names = "--save-noise", paramLabel = "FILE", description = "Write every draw of the run to FILE (safetensors) for replay.")
    Path saveNoise;

    private ReplayNoise replay;
    private RecordingNoise recording;

    /** The run's noise source; recording when --save-noise is set. */
    public NoiseSource open(Backend backend) {
        if (seed != null && noise != null) throw new IllegalArgumentException("--seed and --noise exclude each other");
        if (noise != null) replay = new ReplayNoise(noise, backend);
        NoiseSource source = replay != null ? replay : new SeededNoise(backend, seed == null ? 0 : seed);
        if (saveNoise == null) return source;
        recording = new RecordingNoise(source, backend);
        return recording;
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
        return noise != null ? "replay " + noise : "seed " + (seed == null ? 0 : seed);
    }
}
