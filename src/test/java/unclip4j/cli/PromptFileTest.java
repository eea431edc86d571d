package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFileTest {
    @TempDir
    Path tmp;

    @Test
    void linesAreStrippedAndBlankOnesSkippedNoBreakSpacesIncluded() throws IOException {
        Path f = Files.writeString(tmp.resolve("p.txt"), "  a red cube \r\n\n\u00a0\u00a0\na\tblue sphere\n");
        assertEquals(List.of("a red cube", "a blue sphere"), PromptFile.read(f));
    }

    /** Two files joined with cat: each brought its byte-order mark, and neither belongs to a prompt. */
    @Test
    void everyByteOrderMarkGoes() throws IOException {
        Path f = Files.writeString(tmp.resolve("joined.txt"), "\ufeffa cat\n\ufeffa dog\n");
        assertEquals(List.of("a cat", "a dog"), PromptFile.read(f));
    }

    /** Scraped captions carry form feeds, unit separators and NELs: CLIP's whitespace cleaning makes them spaces, and so does this. */
    @Test
    void whitespaceControlsBecomeSpaces() throws IOException {
        Path f = Files.writeString(tmp.resolve("scraped.txt"), "a\u000bred\u000ccube\u001f\u0085on a table\n\u000c\n");
        assertEquals(List.of("a red cube  on a table"), PromptFile.read(f));
    }

    @Test
    void utf16WithoutAByteOrderMarkIsRefusedNamingTheLine() throws IOException {
        Path f = Files.write(tmp.resolve("utf16.txt"), "a photo of a cat\n".getBytes(StandardCharsets.UTF_16LE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptFile.read(f));
        assertEquals("--prompt-file " + f + " line 1 holds the control character U+0000 (UTF-16 text? convert it: iconv -f UTF-16 -t UTF-8)",
                e.getMessage());
        Path bell = Files.writeString(tmp.resolve("bell.txt"), "fine\nring \u0007 the bell\n");
        assertEquals("--prompt-file " + bell + " line 2 holds the control character U+0007",
                assertThrows(IllegalArgumentException.class, () -> PromptFile.read(bell)).getMessage());
    }
}
