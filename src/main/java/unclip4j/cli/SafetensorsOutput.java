package unclip4j.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;

/**
 * {@code --out FILE.safetensors} and {@code --force}, for commands that write tensors. Targets are
 * checked before any work, so a bad path fails in a second rather than after sampling, and again
 * just before writing; the write itself is atomic ({@link SafetensorsWriter}), so no error leaves
 * a partial file behind.
 */
public final class SafetensorsOutput {
    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors",
            description = "Output file (safetensors); its directory must exist.")
    Path out;

    @Option(names = "--force", description = "Overwrite output files that already exist.")
    boolean force;

    /** Fails unless --out can be written: its directory exists, and it is not a directory or (without --force) a file. */
    public void check() {
        checkTarget(out, "--out");
    }

    /** Checks another output of the same run (e.g. --save-noise), under the same --force, that must not be --out. */
    public void checkAlso(Path other, String option) {
        if (other == null) return;
        if (other.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(option + " and --out name the same file " + out);
        }
        checkTarget(other, option);
    }

    public void write(StateDict tensors, Map<String, String> metadata) {
        check();
        SafetensorsWriter.write(out, tensors, metadata);
    }

    public Path path() {
        return out;
    }

    private void checkTarget(Path file, String option) {
        new OutputFiles(force).check(file, option);
    }
}
