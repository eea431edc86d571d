package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.assertUserError;
import static unclip4j.cli.CliRunner.listing;
import static unclip4j.cli.CliRunner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;
import unclip4j.testing.SparseFile;

/**
 * {@code decode} on the embedded model: it is the second half of generate and of vary (the same
 * pictures, bit for bit, from the embeddings prior and encode-image write), and every unfit
 * embeddings file ends in one error line with nothing written.
 */
class DecodeCommandTest {
    /** The embedded tiny model's CLIP embedding width. */
    private static final int DIM = 64;

    @TempDir
    Path tmp;

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    private static float[] image(String file) {
        return SafetensorsFile.open(Path.of(file)).get("image").toFloatArray();
    }

    private JsonNode manifest(String name) throws Exception {
        return new ObjectMapper().readTree(tmp.resolve(name).toFile());
    }

    private String embeddings(String name, float[] values, long... shape) {
        StateDict sd = new StateDict("test");
        sd.put("image_embedding", Tensor.of(values, shape));
        SafetensorsWriter.write(tmp.resolve(name), sd, Map.of());
        return path(name);
    }

    /** A safetensors file of one tensor of zeros, as sparse as the file system allows: only the header is written. */
    private String sparse(String name, String dtype, long... shape) throws IOException {
        long bytes = Arrays.stream(shape).reduce(dtype.equals("F16") ? 2 : 4, Math::multiplyExact);
        byte[] header = ("{\"image_embedding\":{\"dtype\":\"" + dtype + "\",\"shape\":" + Arrays.toString(shape)
                + ",\"data_offsets\":[0," + bytes + "]}}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array();
        return SparseFile.write(tmp.resolve(name), head, head.length + bytes).toString();
    }

    private String captions(String... lines) {
        try {
            return java.nio.file.Files.writeString(tmp.resolve("captions.txt"), String.join("\n", lines)).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    @Test
    void priorThenDecodeDrawsWhatGenerateDraws() throws Exception {
        String prompt = "a red cube";
        ok("generate", "--prompt", prompt, "--batch", "2", "--prior-steps", "3", "--decoder-steps", "3", "--seed", "4",
                "--save-noise", path("noise.safetensors"), "--save-tensor", path("g.safetensors"), "--out", path("g.png"),
                "--save-embedding", path("g-embedding.safetensors"));
        // the recorded draws are named by stage, so each half replays its own
        ok("prior", "--prompt", prompt, "--batch", "2", "--steps", "3", "--noise", path("noise.safetensors"), "--out", path("e.safetensors"));
        ok("decode", "--embedding", path("e.safetensors"), "--prompt", prompt, "--decoder-steps", "3",
                "--noise", path("noise.safetensors"), "--save-tensor", path("d.safetensors"), "--out", path("d.png"));
        assertArrayEquals(image(path("g.safetensors")), image(path("d.safetensors")));
        // generate --save-embedding keeps the same embeddings the prior command samples
        assertArrayEquals(SafetensorsFile.open(tmp.resolve("e.safetensors")).get("image_embedding").toFloatArray(),
                SafetensorsFile.open(tmp.resolve("g-embedding.safetensors")).get("image_embedding").toFloatArray());
        assertTrue(manifest("g.json").at("/outputs").toString().contains("g-embedding.safetensors"));
        JsonNode m = manifest("d.json");
        assertEquals("image_embedding", m.at("/tensor").asText());
        assertEquals(prompt, m.at("/prompts/0").asText());
        assertEquals(RunManifest.sha256(tmp.resolve("e.safetensors")), CliRunner.inputSha256(m, tmp.resolve("e.safetensors")));
        assertEquals("3", m.at("/steps/decoder").asText());
        assertTrue(m.at("/steps/prior").isMissingNode(), "decode ran no prior: " + m.at("/steps"));
        assertTrue(m.at("/guidance/prior").isMissingNode(), "decode ran no prior: " + m.at("/guidance"));
    }

    @Test
    void encodeImageThenDecodeDrawsWhatVaryDraws() throws Exception {
        String picture = Fixtures.file("input.png").toString();
        ok("vary", "--image", picture, "--decoder-steps", "3", "--seed", "7", "--save-tensor", path("v.safetensors"), "--out", path("v.png"));
        ok("encode-image", "--image", picture, "--out", path("e.safetensors"));
        // the file holds pixels and img_feat: decode picks img_feat by itself; no --prompt is vary's empty caption
        ok("decode", "--embedding", path("e.safetensors"), "--decoder-steps", "3", "--seed", "7",
                "--save-tensor", path("d.safetensors"), "--out", path("d.png"));
        assertArrayEquals(image(path("v.safetensors")), image(path("d.safetensors")));
        assertEquals("img_feat", manifest("d.json").at("/tensor").asText());
        assertEquals(0, manifest("d.json").at("/prompts").size());
    }

    @Test
    void savedEmbeddingsKeepThePicturesOrder() throws Exception {
        // two prompts × batch 2: rows are prompt-major, the order of the grid
        ok("generate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--batch", "2", "--prior-steps", "2", "--decoder-steps", "2",
                "--seed", "9", "--save-noise", path("noise.safetensors"), "--save-tensor", path("g.safetensors"), "--out", path("g.png"),
                "--save-embedding", path("e.safetensors"));
        assertEquals(4, SafetensorsFile.open(tmp.resolve("e.safetensors")).get("image_embedding").dim(0));
        ok("decode", "--embedding", path("e.safetensors"), "--prompt", "a red cube", "--prompt", "a red cube", "--prompt", "a blue sphere",
                "--prompt", "a blue sphere", "--decoder-steps", "2", "--noise", path("noise.safetensors"), "--save-tensor", path("d.safetensors"),
                "--out", path("d.png"));
        assertArrayEquals(image(path("g.safetensors")), image(path("d.safetensors")));
        // four rows make a 2 × 2 grid of the tiny model's 64 px pictures
        BufferedImage grid = ImageIO.read(tmp.resolve("d.png").toFile());
        assertEquals(List.of(128, 128), List.of(grid.getWidth(), grid.getHeight()));
    }

    @Test
    void oneRowOrOnePromptPerRow() throws Exception {
        float[] two = new float[2 * DIM];
        for (int i = 0; i < two.length; i++) two[i] = (float) Math.sin(0.37 * i);
        String rows = embeddings("two.safetensors", two, 2, DIM);
        ok("decode", "--embedding", rows, "--prompt", "a red cube", "--prompt", "a blue sphere", "--decoder-steps", "2",
                "--grid", "false", "--save-tensor", path("both.safetensors"), "--out", path("both.png"), "--trace-dir", path("trace"));
        assertTrue(listing(tmp).containsAll(List.of("both-0.png", "both-1.png")), listing(tmp).toString());
        // the trace follows the first picture: its attention maps are labelled with the first caption
        assertEquals("a red cube", new ObjectMapper().readTree(tmp.resolve("trace/decoder/attention.json").toFile()).get("caption").asText());
        // the caption reaches the decoder: the same rows under another caption draw other pictures
        ok("decode", "--embedding", rows, "--prompt", "a green cone", "--decoder-steps", "2",
                "--save-tensor", path("cone.safetensors"), "--out", path("cone.png"));
        assertFalse(Arrays.equals(image(path("both.safetensors")), image(path("cone.safetensors"))));
        // a [D] tensor is one row
        String one = embeddings("one.safetensors", Arrays.copyOf(two, DIM), DIM);
        ok("decode", "--embedding", one, "--decoder-steps", "2", "--save-tensor", path("one.safetensors.out"), "--out", path("one.png"));
        assertEquals(1, SafetensorsFile.open(tmp.resolve("one.safetensors.out")).get("image").dim(0));
    }

    @Test
    void unfitEmbeddingFilesEndInOneErrorLineAndWriteNothing() throws Exception {
        float[] nan = new float[DIM];
        nan[5] = Float.NaN;
        float[] large = new float[2 * DIM];
        Arrays.fill(large, 3e38f); // finite, but no embedding's scale
        float[] tiny = new float[DIM];
        Arrays.fill(tiny, 1e-30f); // not zero, but its square is in F32
        ok("encode-text", "--prompt", "a cat", "--out", path("text.safetensors"));
        Tensor huge = Tensor.of(ones(DIM), 1, DIM).to(DType.F64);
        huge.setDouble(1e300, 0, 7);
        StateDict f64 = new StateDict("test");
        f64.put("image_embedding", huge);
        SafetensorsWriter.write(tmp.resolve("f64.safetensors"), f64, Map.of());
        Object[][] cases = {
                {new String[] {"--embedding", path("missing.safetensors")}, "no such file"},
                {new String[] {"--embedding", Fixtures.file("input.png").toString()}, "input.png"},
                {new String[] {"--embedding", path("text.safetensors")}, "none of [image_embedding, img_feat]"},
                {new String[] {"--embedding", path("text.safetensors"), "--tensor", "nope"}, "no tensor 'nope'"},
                {new String[] {"--embedding", path("text.safetensors"), "--tensor", "tokens"}, "I64"},
                {new String[] {"--embedding", path("text.safetensors"), "--tensor", "txt_feat_seq"}, "[B, D] or [D]"},
                {new String[] {"--embedding", embeddings("narrow.safetensors", ones(10), 1, 10)}, "10 dimensions, but this decoder takes 64"},
                {new String[] {"--embedding", embeddings("nan.safetensors", nan, 1, DIM)}, "NaN at row 0, column 5"},
                {new String[] {"--embedding", embeddings("zero.safetensors", new float[2 * DIM], 2, DIM)}, "row 0 is all zeros"},
                {new String[] {"--embedding", tmp.toString()}, "is a directory"},
                {new String[] {"--embedding", unclip4j.testing.NamedPipe.create(tmp.resolve("pipe.safetensors")).toString()},
                        "not a regular file (a pipe or device?)"},
                {new String[] {"--embedding", path("f64.safetensors")}, "1.0E300 at row 0, column 7 (too large for F32)"},
                {new String[] {"--embedding", embeddings("large.safetensors", large, 2, DIM)},
                        "large.safetensors: image_embedding row 0 is too large to be an embedding: its squared norm overflows F32"},
                {new String[] {"--embedding", embeddings("tiny.safetensors", tiny, 1, DIM)},
                        "tiny.safetensors: image_embedding row 0 is too small to be an embedding: its squared norm underflows to 0 in F32"},
                {new String[] {"--embedding", sparse("wide.safetensors", "F16", 1, 3_000_000_000L)},
                        "image_embedding is F16[1, 3000000000], 3000000000 values wide"},
                {new String[] {"--embedding", sparse("rows.safetensors", "F32", 2_000_000, DIM)},
                        "2000000 embeddings (one per picture); at most 1048576 of width 64 are read at once"},
                {new String[] {"--embedding", embeddings("pair.safetensors", ones(2 * DIM), 2, DIM), "--prompt", "a", "--prompt", "b",
                        "--prompt", "c"}, "--prompt given 3 times for 2 embeddings"},
                {new String[] {"--embedding", embeddings("trio.safetensors", ones(3 * DIM), 3, DIM), "--prompt-file", captions("a", "b")},
                        "2 captions for 3 embeddings"},
        };
        List<String> before = listing(tmp);
        for (Object[] c : cases) {
            String[] args = Stream.concat(Stream.of("decode", "--decoder-steps", "2", "--out", path("x.png")), Arrays.stream((String[]) c[0]))
                    .toArray(String[]::new);
            assertUserError(run(args), (String) c[1]);
            assertEquals(before, listing(tmp), "files written by " + String.join(" ", args));
        }
    }
}
