package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.SeededNoise;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/**
 * Seeds on the embedded model: picture i of a run seeded with S is, bit for bit, the one-picture run
 * seeded with S + i (so a picture picked from a batch can be redrawn alone), and the stages run apart
 * with one seed draw what generate draws. Bit for bit because the CPU backend's arithmetic for one
 * sample does not depend on the batch (Sgemm, ConvAlgorithm.AUTO).
 */
class PictureSeedsTest {
    private static final List<String> FEW_STEPS = List.of("--prior-steps", "3", "--decoder-steps", "3");

    @TempDir
    Path tmp;

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    private void ok(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!args[0].equals("prior")) all.addAll(FEW_STEPS);
        CliRunner.Result r = run(all.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", all) + ": " + r.err());
    }

    private Tensor pictures(String file) {
        return SafetensorsFile.open(tmp.resolve(file)).get("image");
    }

    private JsonNode manifest(String name) throws Exception {
        return new ObjectMapper().readTree(tmp.resolve(name).toFile());
    }

    private void assertPicture(Tensor batch, int i, Tensor alone) {
        assertArrayEquals(alone.select(0, 0).toFloatArray(), batch.select(0, i).toFloatArray(), "picture " + i);
    }

    @Test
    void generatePicturesAreTheirSeedsAlone() throws Exception {
        // two prompts × batch 2: pictures 0, 1 of "a red cube", 2, 3 of "a blue sphere", seeds 5 … 8
        ok("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--seed", "5",
                "--save-tensor", path("batch.safetensors"), "--out", path("batch.png"));
        ok("generate", "--prompt", "a red cube", "--seed", "6", "--save-tensor", path("1.safetensors"), "--out", path("1.png"));
        ok("generate", "--prompt", "a blue sphere", "--seed", "8", "--save-tensor", path("3.safetensors"), "--out", path("3.png"));
        Tensor batch = pictures("batch.safetensors");
        assertPicture(batch, 1, pictures("1.safetensors"));
        assertPicture(batch, 3, pictures("3.safetensors"));
        // the manifest names each picture's seed
        assertEquals("[5,6,7,8]", manifest("batch.json").at("/noise/picture_seeds").toString());
        assertEquals(SeededNoise.STREAMS, manifest("batch.json").at("/noise/streams").asText());
    }

    @Test
    void rerankedPicturesAreTheirSeedsAlone() {
        ok("generate", "--prompt", "a red cube", "--batch", "2", "--rerank", "3", "--seed", "11",
                "--save-tensor", path("batch.safetensors"), "--out", path("batch.png"));
        ok("generate", "--prompt", "a red cube", "--rerank", "3", "--seed", "12", "--save-tensor", path("1.safetensors"), "--out", path("1.png"));
        assertPicture(pictures("batch.safetensors"), 1, pictures("1.safetensors"));
    }

    @Test
    void variationsAreTheirSeedsAlone() {
        String input = Fixtures.file("input.png").toString();
        ok("vary", "--image", input, "--batch", "3", "--seed", "20", "--save-tensor", path("batch.safetensors"), "--out", path("batch.png"));
        ok("vary", "--image", input, "--seed", "22", "--save-tensor", path("2.safetensors"), "--out", path("2.png"));
        assertPicture(pictures("batch.safetensors"), 2, pictures("2.safetensors"));
    }

    @Test
    void picturesDrawnInSeveralBatchesAreTheSame() throws Exception {
        Files.writeString(tmp.resolve("prompts.txt"), "a red cube\n\n  a blue sphere \r\n");
        ok("generate", "--prompt", "a green cone", "--prompt-file", path("prompts.txt"), "--batch", "2", "--rerank", "2", "--seed", "3",
                "--save-tensor", path("all.safetensors"), "--save-embedding", path("all-emb.safetensors"), "--out", path("all.png"));
        // 6 pictures in batches of 4 and 2, and one at a time
        for (String n : List.of("4", "1")) {
            ok("generate", "--prompt", "a green cone", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--rerank", "2",
                    "--seed", "3", "--max-batch", n, "--save-tensor", path(n + ".safetensors"), "--save-embedding", path(n + "-emb.safetensors"),
                    "--out", path(n + ".png"));
            assertArrayEquals(pictures("all.safetensors").toFloatArray(), pictures(n + ".safetensors").toFloatArray(), "--max-batch " + n);
            assertArrayEquals(SafetensorsFile.open(tmp.resolve("all-emb.safetensors")).get("image_embedding").toFloatArray(),
                    SafetensorsFile.open(tmp.resolve(n + "-emb.safetensors")).get("image_embedding").toFloatArray());
        }
        JsonNode all = manifest("all.json"), parts = manifest("4.json");
        assertEquals("[\"a green cone\",\"a red cube\",\"a blue sphere\"]", all.at("/prompts").toString());
        assertTrue(all.at("/prompt_file").asText().endsWith("prompts.txt"));
        assertTrue(all.at("/max_batch").isMissingNode());
        assertEquals(4, parts.at("/max_batch").asInt());
        assertEquals(all.at("/noise"), parts.at("/noise"));
    }

    @Test
    void numberedPicturesAreWrittenBatchByBatch() throws Exception {
        List<String> args = List.of("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--seed", "6",
                "--grid", "false", "--clip-score");
        List<String> whole = new ArrayList<>(args), apart = new ArrayList<>(args);
        whole.addAll(List.of("--out", path("w.png")));
        apart.addAll(List.of("--max-batch", "3", "--out", path("a.png")));
        ok(whole.toArray(String[]::new));
        ok(apart.toArray(String[]::new));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("w-" + i + ".png")), Files.readAllBytes(tmp.resolve("a-" + i + ".png")), "picture " + i);
        }
        JsonNode w = manifest("w.json"), a = manifest("a.json");
        assertEquals(w.at("/clip_score"), a.at("/clip_score"));
        assertEquals(4, a.at("/clip_score/cosine").size());
        List<String> outputs = new ArrayList<>();
        a.at("/outputs").forEach(o -> outputs.add(Path.of(o.path("path").asText()).getFileName().toString()));
        assertEquals(List.of("a-0.png", "a-1.png", "a-2.png", "a-3.png"), outputs);
    }

    @Test
    void variationsAndDecodesDrawnInSeveralBatchesAreTheSame() throws Exception {
        String input = Fixtures.file("input.png").toString();
        ok("vary", "--image", input, "--batch", "3", "--seed", "8", "--save-tensor", path("v.safetensors"), "--out", path("v.png"));
        ok("vary", "--image", input, "--batch", "3", "--seed", "8", "--max-batch", "2", "--save-tensor", path("v2.safetensors"), "--out", path("v2.png"));
        assertArrayEquals(pictures("v.safetensors").toFloatArray(), pictures("v2.safetensors").toFloatArray());

        ok("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--prompt", "a green cone", "--seed", "2",
                "--save-embedding", path("e.safetensors"), "--out", path("g.png"));
        List<String> decode = List.of("decode", "--embedding", path("e.safetensors"), "--prompt", "a red cube", "--prompt", "a blue sphere",
                "--prompt", "a green cone", "--seed", "2");
        List<String> whole = new ArrayList<>(decode);
        whole.addAll(List.of("--save-tensor", path("d.safetensors"), "--out", path("d.png")));
        ok(whole.toArray(String[]::new));
        // the same captions from a file, one batch per picture
        Files.writeString(tmp.resolve("captions.txt"), "a red cube\na blue sphere\na green cone\n");
        ok("decode", "--embedding", path("e.safetensors"), "--prompt-file", path("captions.txt"), "--seed", "2", "--max-batch", "1",
                "--save-tensor", path("d1.safetensors"), "--out", path("d1.png"));
        assertArrayEquals(pictures("d.safetensors").toFloatArray(), pictures("d1.safetensors").toFloatArray());
        // and decode, as the second half of generate, draws generate's pictures
        assertArrayEquals(pictures("d.safetensors").toFloatArray(), generated("a red cube", "a blue sphere", "a green cone"));
    }

    private float[] generated(String... prompts) {
        List<String> args = new ArrayList<>(List.of("generate", "--seed", "2", "--save-tensor", path("g3.safetensors"), "--out", path("g3.png")));
        for (String p : prompts) args.addAll(List.of("--prompt", p));
        ok(args.toArray(String[]::new));
        return pictures("g3.safetensors").toFloatArray();
    }

    @Test
    void interpolationEndpointsAreThePriorSamplesOfTheirSeeds() throws Exception {
        ok("interpolate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--frames", "3", "--seed", "40",
                "--save-tensor", path("frames.safetensors"), "--out", path("frames.png"));
        // endpoint A is prior's sample with seed 40, endpoint B with seed 41; every frame decodes with seed 40's noise
        ok("prior", "--prompt", "a red cube", "--steps", "3", "--seed", "40", "--out", path("a.safetensors"));
        ok("prior", "--prompt", "a blue sphere", "--steps", "3", "--seed", "41", "--out", path("b.safetensors"));
        ok("decode", "--embedding", path("a.safetensors"), "--seed", "40", "--save-tensor", path("da.safetensors"), "--out", path("da.png"));
        ok("decode", "--embedding", path("b.safetensors"), "--seed", "40", "--save-tensor", path("db.safetensors"), "--out", path("db.png"));
        Tensor frames = pictures("frames.safetensors");
        assertPicture(frames, 0, pictures("da.safetensors"));
        assertPicture(frames, 2, pictures("db.safetensors"));
        JsonNode m = manifest("frames.json");
        assertEquals(40, m.at("/noise/seed").asLong());
        assertEquals("[40,41]", m.at("/prior_seeds").toString());
    }

    @Test
    void priorThenDecodeWithTheSeedDrawWhatGenerateDraws() {
        ok("generate", "--prompt", "a red cube", "--batch", "2", "--seed", "30", "--save-tensor", path("g.safetensors"), "--out", path("g.png"));
        ok("prior", "--prompt", "a red cube", "--batch", "2", "--steps", "3", "--seed", "30", "--out", path("e.safetensors"));
        ok("decode", "--embedding", path("e.safetensors"), "--prompt", "a red cube", "--seed", "30",
                "--save-tensor", path("d.safetensors"), "--out", path("d.png"));
        assertArrayEquals(pictures("g.safetensors").toFloatArray(), pictures("d.safetensors").toFloatArray());
    }
}
