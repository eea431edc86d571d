package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceProfileOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void priorCommandTracesAndProfiles() throws IOException {
        Path trace = tmp.resolve("trace");
        CliRunner.Result r = CliRunner.run("prior", "--prompt", "a red cube", "--steps", "10", "--out", tmp.resolve("emb.safetensors").toString(),
                "--trace-dir", trace.toString(), "--profile");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote trace: "), r.out());
        assertNotNull(ImageIO.read(trace.resolve("prior/cosine.png").toFile()));
        assertNotNull(ImageIO.read(trace.resolve("prior/grid.png").toFile()));
        assertEquals(10, new ObjectMapper().readTree(trace.resolve("trace.json").toFile()).get("steps").size());
        assertTrue(r.out().matches("(?s).*\\nprior +model\\.transformer\\.resblocks\\.\\d+\\..*"), r.out());

        CliRunner.Result again = CliRunner.run("prior", "--prompt", "a red cube", "--out", tmp.resolve("emb2.safetensors").toString(),
                "--trace-dir", trace.toString());
        assertEquals(Cli.USAGE_ERROR, again.code());
        assertTrue(again.err().contains("--trace-dir: " + trace + " is not empty"), again.err());
        assertTrue(Files.notExists(tmp.resolve("emb2.safetensors")));
    }

    /** A --trace-dir that could never be made (a file on its path) is refused before the run, not after it. */
    @Test
    void aTraceDirBelowAFileIsRefusedBeforeTheRun() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        Path out = tmp.resolve("emb.safetensors");
        CliRunner.Result r = CliRunner.run("prior", "--prompt", "a red cube", "--out", out.toString(),
                "--trace-dir", file.resolve("trace/deeper").toString());
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("cannot be created: " + file + " is a file"), r.err());
        assertTrue(Files.notExists(out));
    }

    /** A --trace-dir that links to nothing is refused before the run (it failed after it), and the link stays. */
    @Test
    void aTraceDirLinkingToNothingIsRefusedBeforeTheRun() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("trace"), tmp.resolve("missing/deeper"));
        Path out = tmp.resolve("emb.safetensors");
        CliRunner.Result r = CliRunner.run("prior", "--prompt", "a red cube", "--out", out.toString(), "--trace-dir", link.toString());
        CliRunner.assertUserError(r, "--trace-dir: " + link + " is a link to " + tmp.resolve("missing/deeper") + ", which does not exist");
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.notExists(out));
    }
}
