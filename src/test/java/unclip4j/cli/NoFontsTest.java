package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.ChildCli;

/**
 * Headless servers often have no fonts at all, and AWT then fails wherever text is drawn. These tests
 * run the CLI as on such a machine: in a JVM of its own whose view of the system's font folder is an
 * empty one (a private mount namespace: {@code unshare -m} and a bind mount, which need root, as the
 * project's machines have; skipped otherwise, saying why).
 */
class NoFontsTest {
    private static final Path FONTS = Path.of("/usr/share/fonts");
    private static final Path HERE = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    @BeforeEach
    void fontsCanBeHidden() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(FONTS), FONTS + " does not exist: no system fonts to hide");
        ChildCli.Run probe = ChildCli.run(hidingFonts(List.of("sh", "-c", "! fc-list | grep -q .")), HERE, Map.of());
        Assumptions.assumeTrue(probe.code() == 0,
                "cannot run a process that sees no fonts here (unshare -m, mount --bind and fc-list): " + (probe.out() + probe.err()).strip());
    }

    /** Sweep labels are the shipped bitmap font's: the same picture with fonts as without. */
    @Test
    void sweepDrawsItsLabelsWithoutSystemFonts() throws Exception {
        String[] sweep = {"sweep", "--prompt", "a red cube", "--prior-guidance", "4", "--decoder-guidance", "1,8", "--seed", "2",
                "--prior-steps", "3", "--decoder-steps", "3"};
        Path with = tmp.resolve("with.png"), without = tmp.resolve("without.png");
        assertEquals(0, CliRunner.run(concat(sweep, "--out", with.toString())).code());
        Run r = cli(concat(sweep, "--out", without.toString()));
        assertEquals(0, r.code(), r.output());
        assertArrayEquals(Files.readAllBytes(with), Files.readAllBytes(without));
    }

    /** The trace is written but for its one chart, which is named with the reason; its numbers are in trace.json. */
    @Test
    void traceLeavesOutOnlyItsChart() throws Exception {
        Run r = cli("generate", "--prompt", "a red cube", "--prior-steps", "3", "--decoder-steps", "3", "--out", tmp.resolve("t.png").toString(),
                "--trace-dir", tmp.resolve("trace").toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("note: " + tmp.resolve("trace/prior/cosine.png") + " not drawn: charts need a font and Java finds none"),
                r.output());
        assertTrue(Files.isRegularFile(tmp.resolve("trace/prior/grid.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("trace/decoder/attention.png")));
        assertFalse(Files.exists(tmp.resolve("trace/prior/cosine.png")));
        assertTrue(Files.readString(tmp.resolve("trace/trace.json")).contains("\"cosine_to_text\""));
    }

    /** schedule --plot is nothing but charts: refused before anything is written, in one line. */
    @Test
    void schedulePlotIsRefusedUpFront() throws Exception {
        Run r = cli("schedule", "--plot", tmp.resolve("plot").toString());
        assertEquals(Cli.USAGE_ERROR, r.code(), r.output());
        List<String> errors = r.output().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), r.output());
        assertTrue(errors.getFirst().startsWith("error: --plot draws charts, but charts need a font and Java finds none on this machine ("), r.output());
        assertFalse(r.output().contains("\tat "), r.output());
        assertFalse(Files.exists(tmp.resolve("plot")));
    }

    /** doctor says it, with what that leaves out. */
    @Test
    void doctorSaysChartsCannotBeDrawn() throws Exception {
        Run r = cli("doctor");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Charts    cannot be drawn: charts need a font and Java finds none on this machine"), r.output());
    }

    private record Run(int code, String output) {}

    /** The CLI in a JVM of its own that sees no system fonts; stdout then stderr. */
    private static Run cli(String... args) throws Exception {
        ChildCli.Run r = ChildCli.run(hidingFonts(ChildCli.command(List.of(), args)), HERE, Map.of());
        return new Run(r.code(), r.out() + r.err());
    }

    /** command, run where an empty folder is mounted over the system's fonts. */
    private static List<String> hidingFonts(List<String> command) throws IOException {
        Path empty = Files.createTempDirectory("no-fonts");
        empty.toFile().deleteOnExit();
        List<String> line = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", "mount --bind \"$0\" " + FONTS + " && exec \"$@\"", empty.toString()));
        line.addAll(command);
        return line;
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
