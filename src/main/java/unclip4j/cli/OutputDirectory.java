package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Checks for options that name a directory of outputs ({@code --plot}, {@code --trace-dir}), before any work. */
final class OutputDirectory {
    private OutputDirectory() {}

    /** Fails if dir is a file, or (without --force) a directory that already holds files; it is created when written. */
    static void check(Path dir, boolean force, String option) {
        if (dir == null || !Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + ": " + dir + " is a file, not a directory");
        try (Stream<Path> entries = Files.list(dir)) {
            if (!force && entries.findAny().isPresent()) {
                throw new IllegalArgumentException(option + ": " + dir + " is not empty (use --force to overwrite its files)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(option + ": cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
