package unclip4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Says what stands where a folder belongs: a file, a link to a file, or a link to nothing. */
public final class NotADirectory {
    private NotADirectory() {}

    /** "p is a file, not a directory", or what p links to when it is a link. */
    public static String why(Path p) {
        if (!Files.isSymbolicLink(p)) return p + " is a file, not a directory";
        String target;
        try {
            target = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            target = "a path it cannot read";
        }
        return p + " is a link to " + target + (Files.exists(p) ? ", not a directory" : ", which does not exist");
    }
}
