package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import unclip4j.io.NotADirectory;

/** Checks for options that name a directory of outputs ({@code --plot}, {@code --trace-dir}), before any work. */
final class OutputDirectory {
    private OutputDirectory() {}

    /**
     * Fails if dir is a file or a link to nothing, cannot be written (or created: it is created when written), or (without --force)
     * is a directory that already holds files.
     */
    static void check(Path dir, boolean force, String option) {
        if (dir == null) return;
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) throw new IllegalArgumentException(option + ": " + NotADirectory.why(dir));
        if (!Files.exists(dir)) {
            checkCreatable(dir.toAbsolutePath(), option);
            return;
        }
        if (Files.isDirectory(dir) && !Files.isWritable(dir)) throw new IllegalArgumentException(option + ": " + dir + " is not writable");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + ": " + NotADirectory.why(dir));
        try (Stream<Path> entries = Files.list(dir)) {
            if (!force && entries.findAny().isPresent()) {
                throw new IllegalArgumentException(option + ": " + dir + " is not empty (use --force to overwrite its files)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(option + ": cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The nearest existing ancestor of a directory still to be made must be a writable directory. */
    private static void checkCreatable(Path dir, String option) {
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor)) ancestor = ancestor.getParent();
        if (ancestor == null) return;
        if (!Files.isDirectory(ancestor)) {
            throw new IllegalArgumentException(option + ": " + dir + " cannot be created: " + ancestor + " is a file");
        }
        if (!Files.isWritable(ancestor)) {
            throw new IllegalArgumentException(option + ": " + dir + " cannot be created: " + ancestor + " is not writable");
        }
    }
}
