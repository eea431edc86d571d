package unclip4j.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.cli.ModelOptions;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.GuidanceEvent;
import unclip4j.diffusion.StepEvent;
import unclip4j.diffusion.SeededNoise;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextToImage;
import unclip4j.tensor.Tensor;
import unclip4j.testing.TestTensors;

class TraceRecorderTest {
    @TempDir
    Path tmp;

    @Test
    void embeddedModelGenerationWritesReadablePicturesGifAndJson() throws IOException {
        Backend backend = new CpuBackend();
        StageLoader loader = new StageLoader(ModelDirectory.open(ModelOptions.embeddedModel()), backend);
        PriorDiffusionModel prior = loader.prior();
        TextToImage t2i = new TextToImage(backend, new PromptEncoder(backend, loader.clipText(), 77), prior, loader.decoder(), loader.superRes());
        TraceRecorder trace = new TraceRecorder(tmp, backend, DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, ""));
        TextToImage.Result r = t2i.run(List.of("a red cube"), new SamplingSettings("6", "5", "7", 4f, 8f), new SeededNoise(backend, 1), trace);
        trace.priorReference(r.text().text().txtFeat(), prior::denormalize);
        List<Path> written = trace.finish();

        for (String f : List.of("prior/grid.png", "prior/guidance.png", "prior/cosine.png", "prior/x0_005.png",
                "decoder/grid.png", "decoder/guidance.png", "decoder/x_t_000.png", "decoder/x0_004.png",
                "sr/grid.png", "sr/x_t_006.png", "trace.json", "index.html")) {
            assertTrue(written.contains(tmp.resolve(f)), f + " not written: " + written);
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path png : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                assertNotNull(ImageIO.read(png.toFile()), png + " does not open");
            }
        }
        // the tiny decoder draws 16 px: tiles are upscaled to 64 px (nearest neighbour)
        assertEquals(64, ImageIO.read(tmp.resolve("decoder/x_t_000.png").toFile()).getWidth());
        assertEquals(LabelledGrid.LEFT + 5 * 64, ImageIO.read(tmp.resolve("decoder/grid.png").toFile()).getWidth());
        assertEquals(5, gifFrames(tmp.resolve("decoder/trajectory.gif")));
        assertEquals(7, gifFrames(tmp.resolve("sr/trajectory.gif")));

        JsonNode steps = new ObjectMapper().readTree(tmp.resolve("trace.json").toFile()).get("steps");
        assertEquals(6 + 5 + 7, steps.size());
        JsonNode first = steps.get(0), decoder = steps.get(6), last = steps.get(17);
        assertEquals("prior", first.get("stage").asText());
        assertEquals(999, first.get("t").asLong());
        assertTrue(first.has("cosine_to_text") && first.has("guidance_delta_norm") && first.get("sigma").asDouble() > 0);
        assertEquals("decoder", decoder.get("stage").asText());
        assertTrue(decoder.get("x_t_norm").asDouble() > 0 && decoder.get("eps_norm").asDouble() > 0 && decoder.get("x0_norm").asDouble() > 0);
        assertEquals("sr", last.get("stage").asText());
        assertEquals(0, last.get("t").asLong());
        assertTrue(!last.has("guidance_delta_norm"), "the SR is not guided");
    }

    /** Feeds trace two guided decoder runs of the given number of steps (random 4×4 pictures, DDIM-like: no variance). */
    private static TraceRecorder twoDecoderRuns(TraceRecorder trace, int steps) {
        for (int run = 0; run < 2; run++) {
            for (int k = 0; k < steps; k++) {
                Tensor x = TestTensors.randn(run * 10 + k, 2, 3, 4, 4);
                trace.onGuidance(new GuidanceEvent("decoder", 999 - k, 8f, x, x));
                trace.onStep(new StepEvent("decoder", k, steps, steps - 1 - k, 999 - k, x, x, x, x, null, x));
            }
        }
        return trace;
    }

    private TraceRecorder recorder() {
        return new TraceRecorder(tmp, new CpuBackend(), DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, ""));
    }

    @Test
    void aStageThatRunsAgainGetsItsOwnDirectory() throws IOException {
        List<Path> written = twoDecoderRuns(recorder(), 2).finish();
        assertTrue(written.contains(tmp.resolve("decoder/trajectory.gif")) && written.contains(tmp.resolve("decoder-1/trajectory.gif")), written.toString());
        JsonNode steps = new ObjectMapper().readTree(tmp.resolve("trace.json").toFile()).get("steps");
        assertEquals(4, steps.size());
        assertEquals(1, steps.get(3).get("run").asInt());
        assertTrue(!steps.get(0).has("sigma"), "DDIM steps have no variance");
        assertEquals(0.0, steps.get(0).get("guidance_delta_norm").asDouble());
    }

    @Test
    void indexPageShowsEveryStagesFiguresAndStepsWithTheCaptionEscaped() throws IOException {
        TraceRecorder trace = recorder();
        trace.caption("decoder", "a <b>bold</b> & \"quoted\" cat");
        List<Path> written = twoDecoderRuns(trace, 3).finish();
        assertTrue(written.contains(tmp.resolve("index.html")), written.toString());
        String html = Files.readString(tmp.resolve("index.html"));
        assertTrue(html.contains("<h2 id=\"decoder\">") && html.contains("<h2 id=\"decoder-1\">"), html);
        assertTrue(html.contains("a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; cat") && !html.contains("<b>bold"), "caption escaped");
        List<String> sources = java.util.regex.Pattern.compile("src=\"([^\"]+)\"").matcher(html).results().map(m -> m.group(1)).toList();
        assertTrue(sources.containsAll(List.of("decoder/grid.png", "decoder/trajectory.gif", "decoder/guidance.png", "decoder-1/grid.png")), sources.toString());
        for (String src : sources) assertTrue(written.contains(tmp.resolve(src)), src + " is shown but was not written");
        assertEquals(2 * 3, html.split("<tr><td>", -1).length - 1, "one table row per step of each run");
    }

    private static int gifFrames(Path gif) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            return reader.getNumImages(true);
        } finally {
            reader.dispose();
        }
    }
}
