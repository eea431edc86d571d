package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.run;
import static unclip4j.testing.TensorAssertions.assertRelL2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** generate, vary, interpolate and textdiff through picocli, in process. */
class PictureCommandsTest {
    /** Few steps for the runs that only check files and equalities (the embedded model). */
    private static final String[] FAST = {"--prior-steps", "3", "--decoder-steps", "3"};

    @TempDir
    Path tmp;

    /** The command's arguments with {@link #FAST} added. */
    private static String[] fast(String command, String... args) {
        return Stream.concat(Stream.concat(Stream.of(command), Stream.of(FAST)), Stream.of(args)).toArray(String[]::new);
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    private static String fixture(String name) {
        return Fixtures.file(name).toString();
    }

    private static Tensor image(String file) {
        return SafetensorsFile.open(Path.of(file)).get("image");
    }

    private static BufferedImage png(Path file) throws Exception {
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue(img != null, file + " is not a readable PNG");
        return img;
    }

    private static JsonNode manifest(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** --ddim-eta reaches the DDIM steps (η = 0 is the default's picture, η = 1 another), is recorded, and is refused where it would do nothing. */
    @Test
    void ddimEtaNoisesDdimStepsAndIsRecorded() throws Exception {
        String[] ddim = {"generate", "--prompt", "a red cube", "--prior-steps", "ddim10", "--decoder-steps", "ddim10", "--seed", "5"};
        assertEquals(0, run(concat(ddim, "--out", path("default.png"))).code());
        assertEquals(0, run(concat(ddim, "--ddim-eta", "0", "--out", path("zero.png"))).code());
        assertEquals(0, run(concat(ddim, "--ddim-eta", "1", "--out", path("one.png"))).code());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("default.png")), Files.readAllBytes(tmp.resolve("zero.png")));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("zero.png")), Files.readAllBytes(tmp.resolve("one.png"))));
        assertEquals(1.0, manifest(tmp.resolve("one.json")).get("ddim_eta").asDouble());
        CliRunner.assertUserError(run("generate", "--prompt", "x", "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --prior-steps or --decoder-steps a DDIM respacing (ddimN or fast27)");
        CliRunner.assertUserError(run("generate", "--prompt", "x", "--decoder-steps", "ddim10", "--ddim-eta", "2", "--out", path("no.png")),
                "--ddim-eta must be between 0 and 1, got 2.0");
        CliRunner.assertUserError(run("vary", "--image", fixture("input.png"), "--prior-steps", "ddim10", "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --decoder-steps a DDIM respacing (ddimN or fast27)");
        // without a prior, --prior-steps is not named as a way out (it takes no steps there)
        CliRunner.assertUserError(run("vary", "--image", fixture("input.png"), "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --decoder-steps a DDIM respacing (ddimN or fast27)");
        CliRunner.assertUserError(run("textdiff", "--image", fixture("input.png"), "--from", "a", "--to", "b", "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --decoder-steps a DDIM respacing (ddimN or fast27)");
        CliRunner.assertUserError(run("interpolate", "--image", fixture("input.png"), "--image", fixture("t2i.png"), "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --decoder-steps a DDIM respacing (ddimN or fast27)");
        CliRunner.assertUserError(run("interpolate", "--prompt", "a", "--prompt", "b", "--ddim-eta", "0.5", "--out", path("no.png")),
                "--ddim-eta 0.5 applies to DDIM steps, which no stage takes here: give --prior-steps or --decoder-steps a DDIM respacing (ddimN or fast27)");
        assertFalse(Files.exists(tmp.resolve("no.png")));
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    @Test
    void generateReproducesKarloTextToImage() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("t2i.safetensors"));
        CliRunner.Result r = run("generate", "--model", Fixtures.file("MANIFEST.md").getParent().toString(), "--prior", fixture("prior-tiny.ckpt"),
                "--prompt", f.metadata().get("prompt"), "--noise", fixture("t2i.safetensors"), "--save-tensor", path("out.safetensors"));
        assertEquals(0, r.code(), r.err());
        double err = assertRelL2(f.get("image"), image(path("out.safetensors")), 1e-3, "generate vs t2i.image");
        System.out.printf("generate CLI vs t2i.image: rel L2 %.3g%n", err);
        JsonNode m = manifest(tmp.resolve("out.json"));
        assertEquals(f.metadata().get("prompt"), m.at("/prompts/0").asText());
        assertEquals("25", m.at("/steps/decoder").asText());
        assertTrue(m.at("/noise/replay").asText().endsWith("t2i.safetensors"));
        assertTrue(m.at("/model/files").size() >= 5);
        assertEquals(64, m.at("/model/files/0/sha256").asText().length());
        assertFalse(r.out().contains("RANDOM TEST MODEL"));
    }

    @Test
    void varyReproducesKarloImageVariationAndItsTruncatedPng() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("i2i.safetensors"));
        CliRunner.Result r = run("vary", "--model", Fixtures.file("MANIFEST.md").getParent().toString(), "--prior", fixture("prior-tiny.ckpt"),
                "--image", fixture("input.png"), "--decoder-guidance", Float.toString(f.get("decoder_guidance").getFloat(0)),
                "--noise", fixture("i2i.safetensors"), "--save-tensor", path("v.safetensors"), "--out", path("v.png"));
        assertEquals(0, r.code(), r.err());
        double err = assertRelL2(f.get("image"), image(path("v.safetensors")), 1e-3, "vary vs i2i.image");
        System.out.printf("vary CLI vs i2i.image: rel L2 %.3g%n", err);
        JsonNode m = manifest(tmp.resolve("v.json"));
        assertEquals("25", m.at("/steps/decoder").asText());
        assertTrue(m.at("/steps/prior").isMissingNode() && m.at("/guidance/prior").isMissingNode(), "vary runs no prior: " + m);
        BufferedImage png = png(tmp.resolve("v.png"));
        Tensor u8 = f.get("image_u8");
        int off = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int rgb = png.getRGB(x, y);
                int[] ours = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) if (Math.abs(ours[c] - (int) u8.getLong(0, y, x, c)) > 1) off++;
            }
        }
        assertEquals(0, off, "pixels more than one level from Karlo's truncated bytes");
    }

    @Test
    void generateOnTheEmbeddedModelWritesAGridAndAManifest() throws Exception {
        CliRunner.Result r = run(fast("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--seed", "3",
                "--out", path("g.png")));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("RANDOM TEST MODEL") && r.out().contains("weights/README.md"), r.out());
        BufferedImage grid = png(tmp.resolve("g.png"));
        assertEquals(128, grid.getWidth());
        assertEquals(128, grid.getHeight());
        JsonNode m = manifest(tmp.resolve("g.json"));
        assertEquals(3, m.at("/noise/seed").asLong());
        assertTrue(m.at("/model/embedded_test_model").asBoolean());
        assertEquals("f32", m.at("/dtype").asText());
        assertTrue(m.at("/seconds/decoder").asDouble() > 0 && m.at("/seconds/total").asDouble() > 0);
        assertEquals(List.of("g.json", "g.png"), files());
    }

    @Test
    void halfPrecisionWeightsRunEndToEnd() throws Exception {
        // forward-level accuracy of F16/BF16 weights is HalfPrecisionWeightsTest's; here: the option reaches the stages
        CliRunner.Result full = run(fast("generate", "--prompt", "a red cube", "--seed", "5", "--save-tensor", path("f32.safetensors")));
        assertEquals(0, full.code(), full.err());
        CliRunner.Result half = run(fast("generate", "--prompt", "a red cube", "--seed", "5", "--dtype", "bf16",
                "--save-tensor", path("bf16.safetensors"), "--out", path("bf16.png")));
        assertEquals(0, half.code(), half.err());
        assertEquals("bf16", manifest(tmp.resolve("bf16.json")).at("/dtype").asText());
        float[] f32 = image(path("f32.safetensors")).toFloatArray(), bf16 = image(path("bf16.safetensors")).toFloatArray();
        assertFalse(java.util.Arrays.equals(f32, bf16), "--dtype bf16 drew the f32 picture bit for bit: weights not rounded?");
        for (float v : bf16) assertTrue(v >= 0 && v <= 1, "pixel outside [0, 1]: " + v);
    }

    /** --cpu-conv reaches the backend (recorded in the manifest) and every algorithm draws the same picture. */
    @Test
    void cpuConvAlgorithmIsChosenPerRunAndRecorded() throws Exception {
        CliRunner.Result im2col = run(fast("generate", "--prompt", "a red cube", "--seed", "5", "--cpu-conv", "im2col",
                "--save-tensor", path("im2col.safetensors"), "--out", path("im2col.png")));
        assertEquals(0, im2col.code(), im2col.err());
        assertEquals("cpu-vector conv=im2col", manifest(tmp.resolve("im2col.json")).at("/backend").asText());
        CliRunner.Result f4 = run(fast("generate", "--prompt", "a red cube", "--seed", "5", "--cpu-conv", "winograd_f4",
                "--save-tensor", path("f4.safetensors")));
        assertEquals(0, f4.code(), f4.err());
        unclip4j.testing.TensorAssertions.assertRelL2(image(path("im2col.safetensors")), image(path("f4.safetensors")), 1e-4, "winograd_f4 vs im2col");
    }

    @Test
    void savedNoiseReplaysToTheSamePictures() throws Exception {
        CliRunner.Result first = run(fast("generate", "--prompt", "a red cube", "--seed", "42", "--save-noise", path("n.safetensors"),
                "--out", path("a.png"), "--grid", "false", "--save-tensor", path("a.safetensors")));
        assertEquals(0, first.code(), first.err());
        CliRunner.Result again = run(fast("generate", "--prompt", "a red cube", "--noise", path("n.safetensors"), "--save-tensor", path("b.safetensors")));
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(image(path("a.safetensors")).toFloatArray(), image(path("b.safetensors")).toFloatArray());
        assertEquals(64, png(tmp.resolve("a-0.png")).getWidth());
    }

    @Test
    void varyInterpolateAndTextDiffRunOnTheEmbeddedModel() throws Exception {
        CliRunner.Result vary = run(fast("vary", "--image", fixture("input.png"), "--out", path("v.png")));
        assertEquals(0, vary.code(), vary.err());
        assertEquals(64, png(tmp.resolve("v.png")).getWidth());
        assertEquals("vary", manifest(tmp.resolve("v.json")).at("/command").asText());

        CliRunner.Result lerp = run(fast("interpolate", "--image", fixture("input.png"), "--image", fixture("t2i.png"), "--frames", "3",
                "--out", path("i.png"), "--grid", "false"));
        assertEquals(0, lerp.code(), lerp.err());
        for (int i = 0; i < 3; i++) assertEquals(64, png(tmp.resolve("i-" + i + ".png")).getHeight());
        assertEquals(0.5, manifest(tmp.resolve("i.json")).at("/fractions/1").asDouble());

        CliRunner.Result prompts = run(fast("interpolate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--frames", "2", "--out", path("p.png")));
        assertEquals(0, prompts.code(), prompts.err());
        assertEquals(128, png(tmp.resolve("p.png")).getWidth());

        CliRunner.Result diff = run(fast("textdiff", "--image", fixture("input.png"), "--from", "a photo", "--to", "a painting",
                "--amounts", "0,0.5", "--out", path("t.png")));
        assertEquals(0, diff.code(), diff.err());
        assertEquals(128, png(tmp.resolve("t.png")).getWidth());
        assertEquals("a painting", manifest(tmp.resolve("t.json")).at("/to").asText());
    }

    @Test
    void interpolateBetweenEmbeddingFilesDrawsWhatInterpolatingTheirPicturesDraws() throws Exception {
        String a = fixture("input.png"), b = fixture("t2i.png");
        assertEquals(0, run(fast("interpolate", "--image", a, "--image", b, "--frames", "3", "--seed", "3",
                "--save-tensor", path("pictures.safetensors"), "--out", path("pictures.png"))).code());
        assertEquals(0, run("encode-image", "--image", a, "--out", path("a.safetensors")).code());
        assertEquals(0, run("encode-image", "--image", b, "--out", path("b.safetensors")).code());
        CliRunner.Result r = run(fast("interpolate", "--embedding", path("a.safetensors"), "--embedding", path("b.safetensors"), "--frames", "3",
                "--seed", "3", "--save-tensor", path("files.safetensors"), "--out", path("files.png")));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(image(path("pictures.safetensors")).toFloatArray(), image(path("files.safetensors")).toFloatArray());
        JsonNode m = manifest(tmp.resolve("files.json"));
        assertTrue(m.at("/embeddings/1/path").asText().endsWith("b.safetensors"), m.toString());
        assertEquals("img_feat", m.at("/embeddings/1/tensor").asText());
        assertEquals(RunManifest.sha256(tmp.resolve("a.safetensors")), CliRunner.inputSha256(m, tmp.resolve("a.safetensors")));
        assertTrue(m.at("/steps/prior").isMissingNode(), "no prior ran");
        // one file of two rows (two prior samples) is two endpoints too; three rows are not
        assertEquals(0, run("prior", "--prompt", "a red cube", "--batch", "2", "--steps", "3", "--out", path("two.safetensors")).code());
        assertEquals(0, run(fast("interpolate", "--embedding", path("two.safetensors"), "--frames", "2", "--out", path("two.png"))).code());
        assertUserError("hold 3 embeddings; the endpoints must be exactly two rows",
                "interpolate", "--embedding", path("two.safetensors"), "--embedding", path("a.safetensors"), "--out", path("three.png"));
        assertUserError("give two endpoints of one kind",
                "interpolate", "--embedding", path("a.safetensors"), "--image", a, "--out", path("mixed.png"));
    }

    private void assertUserError(String expected, String... args) throws Exception {
        List<String> before = files();
        CliRunner.Result r = run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
        assertEquals(before, files(), "a failed run must not leave files behind");
    }

    @Test
    void badInputIsOneLineAndExitTwoWithNothingWritten() throws Exception {
        Files.createDirectory(tmp.resolve("empty"));
        Files.writeString(tmp.resolve("not-an-image.png"), "hello");
        assertUserError("no ViT-L-14.pt", "generate", "--model", path("empty"), "--prompt", "x", "--out", path("o.png"));
        assertUserError("not a PNG, JPEG, BMP, GIF or TIFF image", "vary", "--image", path("not-an-image.png"), "--out", path("o.png"));
        assertUserError("no such image file", "textdiff", "--image", path("missing.png"), "--from", "a", "--to", "b", "--out", path("o.png"));
        assertUserError("--batch must be at least 1", "generate", "--prompt", "x", "--batch", "0", "--out", path("o.png"));
        assertUserError("--batch must be at least 1", "vary", "--image", fixture("input.png"), "--batch", "-2", "--out", path("o.png"));
        assertUserError("does not exist", "generate", "--prompt", "x", "--out", path("nowhere/o.png"));
        assertUserError("give two endpoints", "interpolate", "--image", fixture("input.png"), "--prompt", "x", "--out", path("o.png"));
        assertUserError("--sr-steps must be 7", "generate", "--prompt", "x", "--sr-steps", "5", "--out", path("o.png"));
        assertUserError("nothing to write", "generate", "--prompt", "x");
        assertUserError("unknown CPU conv algorithm 'fft'", "generate", "--prompt", "x", "--cpu-conv", "fft", "--out", path("o.png"));
        assertUserError("--cpu-conv chooses the CPU's convolutions; it needs --device cpu",
                "generate", "--prompt", "x", "--device", "reference", "--cpu-conv", "im2col", "--out", path("o.png"));
        Files.writeString(tmp.resolve("taken.png"), "keep me");
        assertUserError("exists; use --force", "generate", "--prompt", "x", "--out", path("taken.png"));
        assertEquals("keep me", Files.readString(tmp.resolve("taken.png")));
        Files.writeString(tmp.resolve("n.safetensors"), "keep me too");
        assertUserError("n.safetensors: exists", "generate", "--prompt", "x", "--out", path("fresh.png"), "--save-noise", path("n.safetensors"));
        assertUserError("n.safetensors: exists", "generate", "--prompt", "x", "--out", path("fresh.png"), "--save-embedding", path("n.safetensors"));
        assertUserError("fresh.json would be written twice", "generate", "--prompt", "x", "--out", path("fresh.png"), "--save-embedding", path("fresh.json"));
        assertUserError("e.safetensors would be written twice", "generate", "--prompt", "x", "--save-tensor", path("e.safetensors"),
                "--save-embedding", path("e.safetensors"));
    }

    /** A copy of the embedded model with one of its files edited (from → to). */
    private Path embeddedModelWith(String file, String from, String to) throws Exception {
        Path model = Files.createDirectories(tmp.resolve("edited-model"));
        try (Stream<Path> files = Files.list(ModelOptions.embeddedModel())) {
            for (Path f : files.toList()) Files.copy(f, model.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String text = Files.readString(model.resolve(file));
        assertTrue(text.contains(from), from);
        Files.writeString(model.resolve(file), text.replace(from, to));
        return model;
    }

    /** A few bytes of config that asked for gigabytes, divided by zero or were ignored are refused as the config is read. */
    @Test
    void absurdModelSettingsAreRefusedNamingFileAndKey() throws Exception {
        Path model = embeddedModelWith("decoder.yaml", "num_head_channels: 16", "num_head_channels: 0");
        assertUserError(model.resolve("decoder.yaml") + ": num_head_channels is 0, outside 1..16384",
                "generate", "--model", model.toString(), "--prompt", "x", "--out", path("o.png"));
        model = embeddedModelWith("decoder.yaml", "num_res_blocks: 1", "num_res_blocks: 100000000");
        assertUserError(model.resolve("decoder.yaml") + ": num_res_blocks is 100000000, outside 1..64",
                "generate", "--model", model.toString(), "--prompt", "x", "--out", path("o.png"));
        model = embeddedModelWith("prior.yaml", "steps: 1000", "steps: 7");
        assertUserError(model.resolve("prior.yaml") + ": diffusion.steps is 7, but unclip4j samples the prior as Karlo does",
                "generate", "--model", model.toString(), "--prompt", "x", "--out", path("o.png"));
    }

    /**
     * A checkpoint that does not fit its config is refused before any layer is built (nothing is allocated
     * for the keys that do not fit), in a line of bounded length that names the config it was compared with.
     */
    @Test
    void aCheckpointThatDoesNotFitItsConfigIsRefusedBrieflyNamingTheConfig() throws Exception {
        Path model = embeddedModelWith("decoder.yaml", "num_res_blocks: 1", "num_res_blocks: 2");
        String line = CliRunner.assertUserError(run("generate", "--model", model.toString(), "--prompt", "x", "--out", path("o.png")),
                model.resolve("decoder.safetensors") + " does not match the decoder that " + model.resolve("decoder.yaml") + " describes: 126 problems: ",
                "; … and 106 more");
        assertTrue(line.length() < 3000, line.length() + " characters");

        // tens of gigabytes of zero tensors for the keys that do not fit, which loading used to allocate before reporting
        Path huge = embeddedModelWith("decoder.yaml", "num_channels: 32", "num_channels: 8192");
        String hugeLine = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> CliRunner.assertUserError(
                run("generate", "--model", huge.toString(), "--prompt", "x", "--out", path("o.png")), "does not match the decoder that"));
        assertTrue(hugeLine.length() < 3000, hugeLine.length() + " characters");

        Path karlo = Files.createDirectories(tmp.resolve("karlo-without-decoder-yaml"));
        for (String f : List.of("ViT-tiny.pt", "ViT-tiny_stats.th", "prior-tiny.ckpt", "prior.yaml", "decoder-tiny.ckpt", "sr-tiny.ckpt", "sr.yaml")) {
            Files.createSymbolicLink(karlo.resolve(f), Fixtures.file(f));
        }
        String builtIn = CliRunner.assertUserError(run("generate", "--model", karlo.toString(), "--prompt", "x", "--out", path("o.png")),
                karlo.resolve("decoder-tiny.ckpt") + " does not match Karlo v1.0 alpha's decoder settings (the built-in ones when no decoder.yaml is beside it)");
        assertTrue(builtIn.length() < 3000, builtIn.length() + " characters");
    }

    @Test
    void clipScoresAreWhatSimilarityPrintsForTheWrittenPictures() throws Exception {
        CliRunner.Result g = run(fast("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--clip-score",
                "--grid", "false", "--out", path("s.png")));
        assertEquals(0, g.code(), g.err());
        JsonNode score = manifest(tmp.resolve("s.json")).get("clip_score");
        assertEquals("clip", score.get("preprocess").asText());
        assertTrue(g.out().contains(String.format(java.util.Locale.ROOT, "mean %.4f over 4 pictures", score.get("mean").asDouble())), g.out());
        CliRunner.Result table = run("similarity", "--image", path("s-0.png"), path("s-1.png"), path("s-2.png"), path("s-3.png"),
                "--prompt", "a red cube", "--prompt", "a blue sphere", "--preprocess", "clip");
        assertEquals(0, table.code(), table.err());
        List<String> rows = table.out().lines().filter(l -> l.contains("s-")).toList();
        for (int i = 0; i < 4; i++) {
            String[] cells = rows.get(i).trim().split("\\s+");
            // pictures 0, 1 were drawn for prompt 0 (column p0), pictures 2, 3 for prompt 1
            assertEquals(Double.parseDouble(cells[1 + i / 2]), score.get("cosine").get(i).asDouble(), 5e-5, rows.get(i));
        }
    }

    @Test
    void promptsTooLongForClipAreWarnedAboutOnce() throws Exception {
        String longPrompt = "a very long caption ".repeat(30);
        CliRunner.Result r = run("generate", "--prompt", "a red cube", "--prompt", longPrompt, "--batch", "2", "--max-batch", "1",
                "--prior-steps", "2", "--decoder-steps", "2", "--out", path("long.png"));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning: prompt 1 (\"a very long caption")).count(), r.err());
        assertFalse(r.err().contains("prompt 0"), r.err());
    }

    @Test
    void badPromptFilesAndBatchLimitsAreOneLineAndExitTwo() throws Exception {
        Files.writeString(tmp.resolve("blank.txt"), "\n  \n");
        Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        Files.createDirectory(tmp.resolve("dir"));
        assertUserError("give a prompt: --prompt TEXT or --prompt-file FILE", "generate", "--out", path("o.png"));
        assertUserError("blank.txt holds no prompt", "generate", "--prompt-file", path("blank.txt"), "--out", path("o.png"));
        assertUserError("latin1.txt is not UTF-8 text", "generate", "--prompt-file", path("latin1.txt"), "--out", path("o.png"));
        assertUserError("missing.txt does not exist", "generate", "--prompt-file", path("missing.txt"), "--out", path("o.png"));
        assertUserError("is a directory", "generate", "--prompt-file", path("dir"), "--out", path("o.png"));
        assertUserError("300 pictures make too large a grid (at most 256); write them as numbered files with --grid false",
                "generate", "--prompt", "x", "--batch", "300", "--out", path("o.png"));
        assertUserError("2 prompts × --batch 1073741824 are more pictures than one run can count",
                "generate", "--prompt", "a", "--prompt", "b", "--batch", "1073741824", "--grid", "false", "--out", path("o.png"));
        assertUserError("--max-batch must be at least 1, got 0", "generate", "--prompt", "x", "--max-batch", "0", "--out", path("o.png"));
        assertUserError("hold the draws of one batch; drop --max-batch or raise it to 2", "generate", "--prompt", "x", "--batch", "2",
                "--max-batch", "1", "--save-noise", path("n.safetensors"), "--out", path("o.png"));
    }

    /**
     * A decoder with one NaN bias draws a NaN sample: the run stops naming the stage, writes no picture or
     * manifest, and still writes the --trace-dir that shows the steps.
     */
    @Test
    void aDivergingStageStopsTheRunWithoutAPicture() throws Exception {
        Path model = tmp.resolve("nan-model");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(ModelOptions.embeddedModel())) {
            for (Path f : files.toList()) Files.copy(f, model.resolve(f.getFileName()));
        }
        Path decoder = model.resolve("decoder.safetensors");
        unclip4j.checkpoint.StateDict weights = SafetensorsFile.open(decoder).tensors(), poisoned = new unclip4j.checkpoint.StateDict("nan");
        for (String k : weights.keys()) {
            Tensor t = weights.get(k);
            if (k.equals("model.out.2.bias")) {
                float[] v = t.toFloatArray();
                v[0] = Float.NaN;
                t = Tensor.of(v, t.shape());
            }
            poisoned.put(k, t);
        }
        Path rewritten = tmp.resolve("decoder.safetensors");
        unclip4j.checkpoint.SafetensorsWriter.write(rewritten, poisoned, java.util.Map.of());
        Files.move(rewritten, decoder, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        CliRunner.Result r = run(fast("generate", "--model", model.toString(), "--prompt", "a cat", "--out", path("nan.png"),
                "--trace-dir", path("trace")));
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertTrue(r.err().startsWith("error: decoder: 1536 of 1536 values of the sample are NaN or infinite after 3 steps"), r.err());
        assertFalse(Files.exists(tmp.resolve("nan.png")) || Files.exists(tmp.resolve("nan.json")));
        JsonNode steps = manifest(tmp.resolve("trace/trace.json")).get("steps");
        assertEquals("NaN", steps.get(steps.size() - 1).get("x_t_norm").asText(), "the trace shows the decoder's NaN steps");
    }

    /**
     * Pictures and manifest are all or nothing: when a file written after the picture fails (here the trace,
     * whose stage folder is taken by a file), the picture goes again and no manifest says the run finished,
     * not even the one of the earlier run that --force replaces.
     */
    @Test
    void aFailureAfterThePictureLeavesNoPicture() throws Exception {
        assertEquals(0, run(fast("generate", "--prompt", "a dog", "--out", path("half.png"))).code());
        Path trace = Files.createDirectories(tmp.resolve("trace"));
        Files.writeString(trace.resolve("decoder"), "a file where the trace wants a folder");
        CliRunner.Result r = run(fast("generate", "--prompt", "a cat", "--out", path("half.png"), "--save-noise", path("noise.safetensors"),
                "--trace-dir", trace.toString(), "--force"));
        CliRunner.assertUserError(r, trace.resolve("decoder") + " is a file, not a directory");
        for (String f : new String[] {"half.png", "half.json", "noise.safetensors"}) assertFalse(Files.exists(tmp.resolve(f)), f);
    }

    /** A link to nothing where a trace stage folder belongs is named as such, not as a file. */
    @Test
    void aDanglingLinkWhereATraceStageFolderBelongsIsNamed() throws Exception {
        Path trace = Files.createDirectories(tmp.resolve("trace"));
        Path nowhere = tmp.resolve("nowhere");
        Files.createSymbolicLink(trace.resolve("decoder"), nowhere);
        CliRunner.Result r = run(fast("generate", "--prompt", "a cat", "--out", path("linked.png"), "--trace-dir", trace.toString(), "--force"));
        CliRunner.assertUserError(r, trace.resolve("decoder") + " is a link to " + nowhere + ", which does not exist");
        assertFalse(Files.exists(tmp.resolve("linked.png")));
        assertFalse(Files.exists(nowhere), "nothing was made through the link");
    }
}
