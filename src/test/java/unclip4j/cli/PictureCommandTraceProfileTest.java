package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.Fixtures;

/** --trace-dir and --profile on generate, vary and interpolate, through the CLI. */
class PictureCommandTraceProfileTest {
    @TempDir
    Path tmp;

    @Test
    void generateTracesEveryStageAndItsProfileMatchesTheWallClock() throws IOException {
        Path trace = tmp.resolve("trace");
        long start = System.nanoTime();
        CliRunner.Result r = CliRunner.run("generate", "--prompt", "a red cube", "--prior-steps", "6", "--decoder-steps", "5",
                "--out", tmp.resolve("cube.png").toString(), "--trace-dir", trace.toString(), "--profile");
        double wallMillis = (System.nanoTime() - start) / 1e6;
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"prior/cosine.png", "prior/grid.png", "prior/attention.png", "decoder/grid.png", "decoder/guidance.png",
                "decoder/attention.png", "sr/grid.png"}) {
            assertNotNull(ImageIO.read(trace.resolve(f).toFile()), f);
        }
        assertTrue(Files.exists(trace.resolve("decoder/trajectory.gif")) && Files.exists(trace.resolve("trace.json")));
        JsonNode attention = new ObjectMapper().readTree(trace.resolve("decoder/attention.json").toFile());
        assertEquals(List.of("image 0", "image 1", "<start>", "a", "red", "cube", "<end>"), texts(attention.get("tokens")));
        assertEquals(4, attention.get("blocks").size(), "the embedded decoder's attention blocks");
        for (JsonNode block : attention.get("blocks")) {
            assertEquals(5, block.get("predictions").asInt(), block.toString());
            assertEquals(7, block.get("token_share").size());
        }
        assertTrue(Files.notExists(trace.resolve("sr/attention.png")), "the SR U-Net has no attention");
        JsonNode prior = new ObjectMapper().readTree(trace.resolve("prior/attention.json").toFile());
        assertEquals(List.of("<start>", "a", "red", "cube", "<end>", "text embedding", "timestep", "x_t", "query"), texts(prior.get("tokens")));
        assertEquals(2, prior.get("blocks").size(), "the embedded prior's layers");
        for (JsonNode layer : prior.get("blocks")) {
            assertEquals(6, layer.get("predictions").asInt(), layer.toString());
            assertEquals(1.0, layer.get("token_share_sum").asDouble(), 1e-5, "the read token sees every token");
        }
        Matcher m = Pattern.compile("profile: ([0-9.]+) ms in total").matcher(r.out());
        assertTrue(m.find(), r.out());
        double total = Double.parseDouble(m.group(1));
        System.out.printf("generate: profile total %.1f ms, wall clock %.1f ms%n", total, wallMillis);
        assertTrue(Math.abs(total - wallMillis) <= 0.1 * wallMillis, "profile " + total + " ms vs wall clock " + wallMillis + " ms");
    }

    @Test
    void varyAndInterpolateTrace() throws IOException {
        Path vary = tmp.resolve("vary");
        CliRunner.Result v = CliRunner.run("vary", "--image", Fixtures.file("input.png").toString(), "--decoder-steps", "4",
                "--out", tmp.resolve("v.png").toString(), "--trace-dir", vary.toString());
        assertEquals(0, v.code(), v.err());
        assertNotNull(ImageIO.read(vary.resolve("decoder/grid.png").toFile()));
        assertTrue(Files.notExists(vary.resolve("prior")), "vary has no prior");
        JsonNode attention = new ObjectMapper().readTree(vary.resolve("decoder/attention.json").toFile());
        assertEquals(List.of("image 0", "image 1", "<start>", "<end>"), texts(attention.get("tokens")), "vary's caption is empty");

        Path interp = tmp.resolve("interp");
        CliRunner.Result i = CliRunner.run("interpolate", "--prompt", "a", "--prompt", "b", "--frames", "2", "--prior-steps", "4",
                "--decoder-steps", "4", "--out", tmp.resolve("i.png").toString(), "--trace-dir", interp.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(Files.exists(interp.resolve("decoder/grid.png")) && Files.exists(interp.resolve("decoder-1/grid.png")), "one directory per frame");
        assertTrue(Files.exists(interp.resolve("decoder-1/attention.png")), "attention maps per frame");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
