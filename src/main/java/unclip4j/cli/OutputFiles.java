package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import unclip4j.io.AtomicFile;

/**
 * The rules every output file follows: its directory must exist, an existing file is only replaced
 * with {@code --force}, and it appears atomically (written to a temporary file in the same
 * directory, then moved into place), so an interrupted run never leaves a partial file behind.
 */
final class OutputFiles {
    private final boolean force;

    OutputFiles(boolean force) {
        this.force = force;
    }

    /** Fails (one line) when the file could not be written; called for every output before any work. */
    void check(Path file) {
        check(file, null);
    }

    /** As {@link #check(Path)}, the message naming the option that gave the file (null: none). */
    void check(Path file, String option) {
        String what = option == null ? file.toString() : option + " " + file;
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.exists(dir)) throw new IllegalArgumentException(what + ": output directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(what + ": " + dir + " is not a directory");
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(what + ": output directory " + dir + " is not writable");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(what + ": is a directory");
        if (Files.exists(file) && !force) throw new IllegalArgumentException(what + ": exists; use --force to overwrite");
    }

    /**
     * With --force, removes the manifest of the run being replaced before this one writes anything: a
     * manifest on disk describes the files beside it, and this run's may fail halfway.
     */
    void retireManifest(Path manifest) {
        if (!force) return;
        try {
            Files.deleteIfExists(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(manifest + ": cannot remove the replaced run's manifest (" + e.getMessage() + ")", e);
        }
    }

    void write(Path file, byte[] bytes) {
        check(file);
        try {
            AtomicFile.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
