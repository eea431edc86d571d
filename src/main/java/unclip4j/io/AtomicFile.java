package unclip4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** A file that appears whole or not at all: written to a temporary sibling, then renamed into place. */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes bytes to file (replacing it); on any failure, and on a stopped JVM, the temporary file goes. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // not createTempFile: it makes owner-only files, and the output should get the usual (umask) permissions
        Path tmp = TemporaryFiles.register(dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            TemporaryFiles.remove(tmp); // gone already after the move
        }
    }
}
