package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
}
