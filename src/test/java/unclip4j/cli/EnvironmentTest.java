package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.ChildCli;

/** The CLI on machines set up unlike ours: each test starts it in a JVM of its own (ChildCli). */
class EnvironmentTest {
    @TempDir
    Path tmp;

    /**
     * No usable java.io.tmpdir (a missing folder here; a read-only or full /tmp is the same): pictures,
     * the trace's GIFs and charts are encoded in memory, not through ImageIO's cache file there.
     */
    @Test
    void picturesNeedNoTemporaryFolder() throws Exception {
        List<String> noTmp = List.of("-Djava.io.tmpdir=" + tmp.resolve("missing"));
        ChildCli.Run r = ChildCli.run(ChildCli.command(noTmp, "generate", "--prompt", "a red cube", "--prior-steps", "3", "--decoder-steps", "3",
                "--out", "a.png", "--trace-dir", "trace"), tmp, Map.of());
        ChildCli.assertExit(0, r);
        assertTrue(Files.size(tmp.resolve("a.png")) > 0 && Files.isRegularFile(tmp.resolve("a.json")), r.out());
        assertTrue(Files.size(tmp.resolve("trace/prior/trajectory.gif")) > 0, r.out());
        r = ChildCli.run(ChildCli.command(noTmp, "schedule", "--respacing", "5", "--plot", "plot"), tmp, Map.of());
        ChildCli.assertExit(0, r);
        assertTrue(Files.size(tmp.resolve("plot/betas.png")) > 0, r.out());
    }

    /** Java started straight (not by ./unclip4j) under LANG=C reads "café" as "caf\uFFFD\uFFFD": refused, as it is not what was typed. */
    @Test
    void undecodableArgumentsAreRefused() throws Exception {
        Map<String, String> asciiLocale = Map.of("LANG", "C", "LC_ALL", "C");
        // asked of Java itself, not of the CLI's answer, which a regression would change
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String encoding = ChildCli.run(List.of(java, "-XshowSettings:properties", "-version"), tmp, asciiLocale).err().lines()
                .map(String::strip).filter(l -> l.startsWith("sun.jnu.encoding = ")).findFirst().orElse("sun.jnu.encoding unknown");
        Assumptions.assumeTrue(encoding.endsWith("= ANSI_X3.4-1968") || encoding.endsWith("= US-ASCII"),
                "Java does not decode arguments as ASCII under LANG=C here (" + encoding + ")");
        ChildCli.Run r = ChildCli.run(ChildCli.command(List.of(), "generate", "--prompt", "caf\u00e9", "--out", "a.png"), tmp, asciiLocale);
        ChildCli.assertExit(2, r);
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().startsWith("error: argument 'caf\uFFFD\uFFFD' holds bytes that Java cannot decode in this locale's charset ("), r.err());
        assertFalse(Files.exists(tmp.resolve("a.png")));
    }

    /**
     * A full disk (a 40 KiB tmpfs: mounting one in a private mount namespace needs root, as the project's
     * machines have): every writing command fails in one line and leaves nothing, also where it writes
     * a folder of files (--trace-dir, --plot) or files beside it (prior's output beside its trace).
     */
    @Test
    void aFullDiskLeavesNothing() throws Exception {
        ChildCli.assumePrivateMounts();
        Path full = Files.createDirectories(tmp.resolve("full"));
        String[][] commands = {
                {"schedule", "--plot", full.resolve("plot").toString()},
                {"generate", "--prompt", "a red cube", "--prior-steps", "2", "--decoder-steps", "2", "--out", "g.png", "--trace-dir", full.resolve("trace").toString()},
                {"prior", "--prompt", "a red cube", "--steps", "2", "--out", "p.safetensors", "--trace-dir", full.resolve("a/b/trace").toString()},
                {"sweep", "--prompt", "a red cube", "--prior-guidance", "4,8", "--decoder-guidance", "1,8", "--prior-steps", "2", "--decoder-steps", "2",
                        "--out", full.resolve("sweep.png").toString()},
                {"encode-text", "--prompt", "a", "--prompt", "b", "--prompt", "c", "--out", full.resolve("text.safetensors").toString()},
                {"convert", "--out", full.resolve("converted").toString()}};
        for (String[] args : commands) {
            List<String> command = new java.util.ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                    "mount -t tmpfs -o size=40k tmpfs \"$0\" && \"$@\"; rc=$?; echo \"left: $(ls -A \"$0\")\"; exit $rc", full.toString()));
            if (args[0].equals("convert")) args = new String[] {"convert", "--model", Path.of("weights/tiny").toAbsolutePath().toString(), args[1], args[2]};
            command.addAll(ChildCli.command(List.of(), args));
            ChildCli.Run r = ChildCli.run(command, tmp, Map.of());
            ChildCli.assertExit(2, r);
            List<String> errors = r.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
            assertEquals(1, errors.size(), r.err());
            assertTrue(errors.getFirst().startsWith("error: ") && errors.getFirst().contains("No space left on device"), r.err());
            assertTrue(r.out().strip().endsWith("left:"), args[0] + " left files on the full disk: " + r.out());
            assertEquals(List.of("full"), CliRunner.listing(tmp), args[0] + " left files beside: " + r.out());
        }
    }

    /**
     * The manifest, written last, finds the disk full that took the picture (a tmpfs of the picture's
     * pages; root only, as above): the run leaves nothing, the trace written into another folder
     * just before included.
     */
    @Test
    void aRunWhoseManifestCannotBeWrittenLeavesNoTrace() throws Exception {
        ChildCli.assumePrivateMounts();
        List<String> generate = List.of("generate", "--prompt", "a red cube", "--seed", "1", "--prior-steps", "2", "--decoder-steps", "2");
        Path measure = Files.createDirectories(tmp.resolve("measure"));
        ChildCli.Run r = ChildCli.run(ChildCli.command(List.of(), concat(generate, "--out", "measure/a.png")), tmp, Map.of());
        ChildCli.assertExit(0, r);
        long pictureBytes = Files.size(measure.resolve("a.png"));
        for (String f : CliRunner.listing(measure)) Files.delete(measure.resolve(f));
        Files.delete(measure);

        Path full = Files.createDirectories(tmp.resolve("full"));
        List<String> command = new java.util.ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "page=$(getconf PAGESIZE) && mount -t tmpfs -o size=$(( (" + pictureBytes + " + page - 1) / page * page )) tmpfs \"$0\" && \"$@\"",
                full.toString()));
        command.addAll(ChildCli.command(List.of(), concat(generate, "--out", "full/a.png", "--trace-dir", "trace")));
        r = ChildCli.run(command, tmp, Map.of());
        ChildCli.assertExit(2, r);
        List<String> errors = r.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("error: full/a.json: cannot write (No space left on device)"), errors, r.err());
        assertEquals(List.of("full"), CliRunner.listing(tmp), "the trace stayed though the run failed: " + r.out());
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
