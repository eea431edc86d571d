package unclip4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryFilesTest {
    @TempDir
    Path tmp;

    @Test
    void registeredFilesAndFoldersGoReleasedOnesStay() throws IOException {
        Path file = Files.writeString(TemporaryFiles.register(tmp.resolve(".a.tmp")), "partial");
        Path folder = TemporaryFiles.register(Files.createDirectories(tmp.resolve(".convert.tmp/sub")).getParent());
        Files.writeString(folder.resolve("sub/x.safetensors"), "partial");
        Path kept = Files.writeString(TemporaryFiles.register(tmp.resolve("done.png")), "moved into place");
        TemporaryFiles.release(kept);
        TemporaryFiles.removeAll();
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(folder));
        assertTrue(Files.exists(kept));
    }

    @Test
    void atomicWritesLeaveOnlyTheirFile() throws IOException {
        Path file = tmp.resolve("out.png");
        AtomicFile.write(file, new byte[] {1, 2, 3});
        AtomicFile.write(file, new byte[] {4});
        assertEquals(1, Files.size(file));
        try (var listing = Files.list(tmp)) {
            assertEquals(1, listing.count(), "no temporary sibling stays");
        }
    }

    /** Stands for a write in progress when the JVM is stopped: registers a file and a folder, then waits. */
    public static final class StoppedWriter {
        public static void main(String[] args) throws Exception {
            Files.writeString(TemporaryFiles.register(Path.of(args[0])), "partial");
            Files.createDirectories(TemporaryFiles.register(Path.of(args[1])).resolve("inside"));
            System.out.println("ready");
            Thread.sleep(60_000);
        }
    }

    /** SIGTERM (what Ctrl-C's SIGINT also does to a JVM) runs the shutdown hook, which a finally does not. */
    @Test
    void aJvmStoppedBySignalRemovesWhatItWasWriting() throws Exception {
        Path file = tmp.resolve(".out.png.tmp"), folder = tmp.resolve(".convert-1.tmp");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), StoppedWriter.class.getName(), file.toString(), folder.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            assertEquals("ready", out.readLine());
            assertTrue(Files.exists(file) && Files.exists(folder.resolve("inside")));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the JVM did not stop");
        } finally {
            p.destroyForcibly();
        }
        assertFalse(Files.exists(file), "the temporary file stayed");
        assertFalse(Files.exists(folder), "the staging folder stayed");
    }
}
