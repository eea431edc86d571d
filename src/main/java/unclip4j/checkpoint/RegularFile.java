package unclip4j.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checkpoint and config files must be regular files: opening a named pipe blocks until someone
 * writes to it, and a device such as /dev/zero never ends, so either would hang a load.
 */
public final class RegularFile {
    private RegularFile() {}

    /** Fails with one line unless path is an existing regular file. */
    public static void require(Path path) {
        String problem = problem(path);
        if (problem != null) throw new CheckpointException(path + ": " + problem);
    }

    /** Why path cannot be read as a file ("no such file", "is a directory, not a file", ...), or null when it can. */
    public static String problem(Path path) {
        if (Files.isRegularFile(path)) return null;
        if (Files.isDirectory(path)) return "is a directory, not a file";
        if (Files.exists(path)) return "not a regular file (a pipe or device?)";
        if (Files.isSymbolicLink(path)) return danglingLink(path);
        return "no such file";
    }

    /** The link exists, where it points does not: a moved or unmounted model, which "no such file" would hide. */
    private static String danglingLink(Path link) {
        try {
            return "a dangling link to " + Files.readSymbolicLink(link) + " (no such file there)";
        } catch (IOException e) {
            return "a dangling link";
        }
    }

    /**
     * The UTF-8 text of a small config file, refused above maxBytes before it is read (a YAML parser
     * spends super-linear time on megabytes of comments; Karlo's configs are a few kB).
     */
    public static String readText(Path path, long maxBytes) {
        require(path);
        try {
            long size = Files.size(path);
            if (size > maxBytes) throw new CheckpointException(path + ": " + size + " bytes, too large for a config file (at most " + maxBytes + ")");
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(path + ": not UTF-8 text");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
