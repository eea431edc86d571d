package unclip4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    @TempDir
    Path tmp;

    /** A failed write into a folder it made (with its parents) leaves no folder. */
    @Test
    void aFolderItMadeGoesWhole() throws IOException {
        Path dir = tmp.resolve("new/trace");
        try (OutputFolder folder = new OutputFolder(dir)) {
            folder.add(write(dir.resolve("prior/x_t_000.png")));
            // the next file fails: no keep()
        }
        assertEquals(List.of(), names(tmp));
    }

    /** A failed write into a folder that was there (--force) takes away its own files only. */
    @Test
    void inAFolderThatWasThereOnlyItsFilesGo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plot"));
        Path theirs = write(dir.resolve("notes.txt"));
        try (OutputFolder folder = new OutputFolder(dir)) {
            folder.add(write(dir.resolve("betas.png")));
        }
        assertEquals(List.of("notes.txt"), names(dir));
        assertTrue(Files.exists(theirs));
    }

    /** Subfolders this write made inside a folder that was there go with their files; one that was there stays. */
    @Test
    void subfoldersItMadeGoToo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("trace"));
        Files.createDirectories(dir.resolve("prior"));
        try (OutputFolder folder = new OutputFolder(dir)) {
            folder.add(write(folder.subfolder("prior").resolve("x_t_000.png")));
            folder.add(write(folder.subfolder("decoder").resolve("x_t_000.png")));
        }
        assertEquals(List.of("prior"), names(dir));
        assertEquals(List.of(), names(dir.resolve("prior")));
    }

    /** A link to a folder not there yet is the user's, not a folder this write made: a failed write leaves it. */
    @Test
    void aLinkIsNotAFolderItMade() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("trace"), tmp.resolve("elsewhere"));
        try (OutputFolder folder = new OutputFolder(link)) {
            Files.createDirectories(tmp.resolve("elsewhere"));
            folder.add(write(link.resolve("trace.json")));
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of(), names(tmp.resolve("elsewhere")));
    }

    /** Stopped mid-write (Ctrl-C: the shutdown hook removes what is registered), the files written so far go: each is registered as written. */
    @Test
    void aStopMidWriteTakesTheFilesWrittenSoFar() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("trace"));
        try (OutputFolder folder = new OutputFolder(dir)) {
            folder.add(write(dir.resolve("x_t_000.png")));
            folder.add(write(dir.resolve("x_t_001.png")));
            assertEquals(List.of(dir.resolve("x_t_000.png"), dir.resolve("x_t_001.png")), folder.files());
            TemporaryFiles.removeAll();
            assertEquals(List.of(), names(dir));
        }
    }

    @Test
    void keptFilesStay() throws IOException {
        Path dir = tmp.resolve("trace");
        try (OutputFolder folder = new OutputFolder(dir)) {
            folder.add(write(dir.resolve("trace.json")));
            folder.keep();
        }
        assertEquals(List.of("trace.json"), names(dir));
        TemporaryFiles.removeAll(); // as at the JVM's end: released, so still there
        assertFalse(names(dir).isEmpty());
    }

    private static Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "x");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
