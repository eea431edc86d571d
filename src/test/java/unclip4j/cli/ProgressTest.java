package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.diffusion.StepEvent;

class ProgressTest {
    /**
     * On a terminal the bars are drawn without JLine's terminal, which unpacks a native library into
     * java.io.tmpdir (jline.tmpdir) on every run and prints stack traces where /tmp is noexec.
     */
    @Test
    void barsUnpackNoNativeLibrary(@TempDir Path tmp) {
        String before = System.getProperty("jline.tmpdir");
        System.setProperty("jline.tmpdir", tmp.toString());
        try {
            ByteArrayOutputStream bars = new ByteArrayOutputStream();
            StringWriter lines = new StringWriter();
            Progress p = new Progress(new PrintWriter(lines, true), new PrintStream(bars, true, StandardCharsets.UTF_8));
            for (int k = 0; k < 3; k++) p.onStep(new StepEvent("prior", k, 3, 2 - k, 0, null, null, null, null, null, null));
            assertTrue(bars.toString(StandardCharsets.UTF_8).contains("prior 100%"), bars.toString(StandardCharsets.UTF_8));
            assertEquals("", lines.toString(), "a terminal gets bars, not the plain lines");
            assertEquals(List.of(), CliRunner.listing(tmp));
        } finally {
            if (before == null) System.clearProperty("jline.tmpdir");
            else System.setProperty("jline.tmpdir", before);
        }
    }

    @Test
    void columnsComeFromTheShellElseStayInRange() {
        assertEquals(132, Progress.columns("132"));
        assertEquals(132, Progress.columns(" 132\n"));
        // not a width: stty's answer (a terminal's width) or 80
        for (String bad : new String[] {null, "", "0", "-5", "abc", "99999", "1e3"}) {
            int c = Progress.columns(bad);
            assertTrue(c >= 10 && c < 10_000, bad + " -> " + c);
        }
    }
}
