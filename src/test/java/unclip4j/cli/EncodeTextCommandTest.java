package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.run;
import static unclip4j.testing.TensorAssertions.assertRelL2;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.model.clip.ClipTokenizer;
import unclip4j.tensor.DType;
import unclip4j.testing.Fixtures;

/** {@code encode-text} against MANIFEST {@code clip_text}, and its treatment of long, empty and non-ASCII prompts. */
class EncodeTextCommandTest {
    private static final String MODEL = Fixtures.file("MANIFEST.md").getParent().toString();

    @TempDir
    Path tmp;

    @Test
    void reproducesKarlosTokensAndClipTextFeatures() throws Exception {
        SafetensorsFile golden = SafetensorsFile.open(Fixtures.file("clip_text.safetensors"));
        List<String> prompts = new ObjectMapper().readValue(golden.metadata().get("prompts"), new TypeReference<List<String>>() {});
        List<String> args = new ArrayList<>(List.of("encode-text", "--model", MODEL, "--out", tmp.resolve("text.safetensors").toString()));
        for (String p : prompts) args.addAll(List.of("--prompt", p));

        CliRunner.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        SafetensorsFile f = SafetensorsFile.open(tmp.resolve("text.safetensors"));
        assertEquals(DType.I64, f.get("tokens").dtype());
        assertEquals(DType.U8, f.get("mask").dtype());
        assertArrayEquals(golden.get("tokens").toLongArray(), f.get("tokens").toLongArray(), "tokens");
        assertArrayEquals(golden.get("mask").toLongArray(), f.get("mask").toLongArray(), "mask");
        assertRelL2(golden.get("txt_feat"), f.get("txt_feat"), 1e-4, "txt_feat");
        assertRelL2(golden.get("txt_feat_seq"), f.get("txt_feat_seq"), 1e-4, "txt_feat_seq");
        assertEquals(prompts, new ObjectMapper().readValue(f.metadata().get("prompts"), new TypeReference<List<String>>() {}));
        // the fixture's third prompt is longer than 77 tokens: Karlo truncates it silently, we say so
        assertTrue(r.err().contains("warning: prompt 2 ("), r.err());
    }

    @Test
    void thousandWordPromptWarnsOnceAndIsTruncatedToEot() {
        String prompt = String.join(" ", Collections.nCopies(1000, "word"));
        Path out = tmp.resolve("long.safetensors");
        CliRunner.Result r = run("encode-text", "--model", MODEL, "--prompt", "a cat", "--prompt", prompt, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning: ")).count(), r.err());
        assertTrue(r.err().contains("prompt 1 (\"word word") && r.err().contains("has 1002 tokens"), r.err());
        long[] row = SafetensorsFile.open(out).get("tokens").toLongArray();
        assertEquals(ClipTokenizer.SOT, row[77]);
        assertEquals(ClipTokenizer.EOT, row[2 * 77 - 1]);
        for (long m : SafetensorsFile.open(out).get("mask").select(0, 1).toLongArray()) assertEquals(1, m);
    }

    @Test
    void emptyAndNonAsciiPromptsAreTokenizedAsKarloDoes() {
        List<String> prompts = List.of("", "café über 日本の猫 🐱");
        Path out = tmp.resolve("t.safetensors");
        CliRunner.Result r = run("encode-text", "--model", MODEL, "--prompt", prompts.get(0), "--prompt", prompts.get(1), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        SafetensorsFile f = SafetensorsFile.open(out);
        long[] tokens = f.get("tokens").toLongArray();
        assertEquals(ClipTokenizer.SOT, tokens[0]);
        assertEquals(ClipTokenizer.EOT, tokens[1]);
        assertEquals(0, tokens[2]);
        assertArrayEquals(ClipTokenizer.get().paddedTokensAndMask(prompts, 77).tokensTensor().toLongArray(), tokens);
        assertEquals(List.of(2L, 64L), List.of(f.get("txt_feat").shape()[0], f.get("txt_feat").shape()[1]));
    }

    /** More prompts than one chunk: each row is what the prompt encodes to alone, and the rows keep their order. */
    @Test
    void aCaptionSetIsEncodedInChunksRowByRow() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < EncodeTextCommand.CHUNK + 3; i++) prompts.add("caption number " + i);
        List<String> args = new ArrayList<>(List.of("encode-text", "--model", MODEL, "--out", tmp.resolve("set.safetensors").toString()));
        prompts.forEach(p -> args.addAll(List.of("--prompt", p)));
        assertEquals(0, run(args.toArray(String[]::new)).code());
        String last = prompts.getLast();
        assertEquals(0, run("encode-text", "--model", MODEL, "--prompt", last, "--out", tmp.resolve("one.safetensors").toString()).code());
        SafetensorsFile set = SafetensorsFile.open(tmp.resolve("set.safetensors")), one = SafetensorsFile.open(tmp.resolve("one.safetensors"));
        assertEquals(prompts.size(), set.get("txt_feat").dim(0));
        int row = prompts.size() - 1;
        assertRelL2(one.get("txt_feat"), set.get("txt_feat").slice(0, row, row + 1), 1e-5);
        assertRelL2(one.get("txt_feat_seq"), set.get("txt_feat_seq").slice(0, row, row + 1), 1e-5);
        assertEquals(prompts.size(), set.get("tokens").dim(0));
    }
}
