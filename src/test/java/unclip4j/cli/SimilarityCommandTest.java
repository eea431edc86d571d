package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.assertUserError;
import static unclip4j.cli.CliRunner.run;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.pipeline.ClipSimilarity;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** {@code similarity}: the table's layout, its range, one cell against the golden CLIP features, and rows from embedding files. */
class SimilarityCommandTest {
    private static final String MODEL = Fixtures.file("MANIFEST.md").getParent().toString();
    private static final String PROMPT = "A photo of a baby puppy waiting for her mom.";

    @Test
    void printsOneRowPerImageAndOneColumnPerPrompt() {
        String input = Fixtures.file("input.png").toString(), t2i = Fixtures.file("t2i.png").toString();
        CliRunner.Result r = run("similarity", "--model", MODEL, "--image", input, t2i, "--prompt", PROMPT, "--prompt", "", "--prompt", "a red car");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("p0  " + PROMPT, "p1  ", "p2  a red car"), lines.subList(0, 3));
        assertEquals(List.of("image", "p0", "p1", "p2"), Arrays.asList(lines.get(3).trim().split("\\s+")));
        assertEquals(6, lines.size());
        double[][] table = new double[2][];
        for (int i = 0; i < 2; i++) {
            String[] cells = lines.get(4 + i).trim().split("\\s+");
            assertEquals(List.of(input, t2i).get(i), cells[0]);
            table[i] = Arrays.stream(cells, 1, cells.length).mapToDouble(Double::parseDouble).toArray();
            for (double c : table[i]) assertTrue(c >= -1 && c <= 1, "cosine out of range: " + c);
        }
        // input.png (Karlo's preprocessing) against the prompt: the goldens' img_feat and txt_feat row 0
        SafetensorsFile image = SafetensorsFile.open(Fixtures.file("clip_image.safetensors"));
        SafetensorsFile text = SafetensorsFile.open(Fixtures.file("clip_text.safetensors"));
        double expected = ClipSimilarity.cosine(image.get("img_feat"), text.get("txt_feat").slice(0, 0, 1))[0][0];
        assertEquals(expected, table[0][0], 1e-4);
    }

    /** A prompt or a file name holding a newline or an escape sequence cannot forge a row or repaint the terminal. */
    @Test
    void controlCharactersArePrintedAsEscapes(@TempDir Path tmp) throws Exception {
        Path odd = java.nio.file.Files.copy(Fixtures.file("input.png"), tmp.resolve("a\nFAKE 0.9999.png"));
        CliRunner.Result r = run("similarity", "--model", MODEL, "--image", odd.toString(), "--prompt", "a\nimage  FAKE ROW 0.9999",
                "--prompt", "\u001b[2J\u001b[31mred");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("p0  a\\nimage  FAKE ROW 0.9999", "p1  \\u001b[2J\\u001b[31mred"), lines.subList(0, 2));
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(3).startsWith(tmp + "/a\\nFAKE 0.9999.png "), lines.get(3));
    }

    @Test
    void embeddingFileRowsScoreAsTheirPictures(@TempDir Path tmp) {
        String input = Fixtures.file("input.png").toString(), features = tmp.resolve("img.safetensors").toString();
        assertEquals(0, run("encode-image", "--model", MODEL, "--image", input, "--out", features).code());
        CliRunner.Result r = run("similarity", "--model", MODEL, "--image", input, "--embedding", features, "--prompt", PROMPT, "--prompt", "a red car");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out()); // two prompt lines, the header, two rows
        String[] picture = lines.get(3).trim().split("\\s+"), file = lines.get(4).trim().split("\\s+");
        assertEquals(features + "[0]", file[0]);
        // encode-image's img_feat is the embedding the picture's row is computed from
        assertEquals(List.of(picture).subList(1, 3), List.of(file).subList(1, 3));
    }

    @Test
    void rowsAreRequiredAndEmbeddingsMustFitTheModel(@TempDir Path tmp) {
        assertUserError(run("similarity", "--model", MODEL, "--prompt", "x"), "--image or --embedding");
        StateDict sd = new StateDict("test");
        sd.put("image_embedding", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 10));
        SafetensorsWriter.write(tmp.resolve("narrow.safetensors"), sd, Map.of());
        assertUserError(run("similarity", "--model", MODEL, "--embedding", tmp.resolve("narrow.safetensors").toString(), "--prompt", "x"),
                "10 dimensions, but this CLIP takes 64");
    }

    @Test
    void unreadableImageFailsBeforeTheModelLoads() {
        assertUserError(run("similarity", "--model", "/nonexistent", "--image", "/nonexistent/a.png", "--prompt", "x"), "/nonexistent/a.png");
    }
}
