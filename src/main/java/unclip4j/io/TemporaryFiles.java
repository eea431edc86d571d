package unclip4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The temporary files and folders that writes are making, removed when the JVM is stopped (Ctrl-C,
 * SIGTERM) before a write has moved them into place or deleted them itself: a {@code finally} does
 * not run on a signal, and a conversion stopped halfway would leave gigabytes in a hidden folder
 * inside the model directory. Shutdown hooks do run on those signals.
 */
public final class TemporaryFiles {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TemporaryFiles::removeAll, "unclip4j temporary files"));
    }

    private TemporaryFiles() {}

    /** Registers path (a file or a folder) before it is made; returns it. */
    public static Path register(Path path) {
        LIVE.add(path.toAbsolutePath());
        return path;
    }

    /** Forgets path: the write has moved or deleted it, or made it to stay. */
    public static void release(Path path) {
        LIVE.remove(path.toAbsolutePath());
    }

    /**
     * Deletes path (a folder with its contents) if it exists, and forgets it: what will not go stays, as
     * the caller is already reporting a failure of its own, or the JVM is stopping.
     */
    public static void remove(Path path) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException | RuntimeException ignored) {
                // see above
            }
        }
        release(path);
    }

    /** Deletes every registered path that still exists. */
    static void removeAll() {
        for (Path p : List.copyOf(LIVE)) remove(p);
    }
}
