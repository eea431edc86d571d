package unclip4j.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A named pipe nobody writes to: opening it for reading blocks, so a loader that does hangs. */
public final class NamedPipe {
    private NamedPipe() {}

    /** Makes one at path with mkfifo; the test is skipped, saying why, where there is no mkfifo. */
    public static Path create(Path path) throws IOException, InterruptedException {
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", path.toString()).start().waitFor();
        } catch (IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "mkfifo is not available to make a named pipe");
        return path;
    }
}
