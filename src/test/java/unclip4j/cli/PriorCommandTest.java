package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.assertUserError;
import static unclip4j.cli.CliRunner.listing;
import static unclip4j.cli.CliRunner.run;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.assertSameValues;
import static unclip4j.testing.TensorAssertions.relL2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/**
 * {@code prior}: MANIFEST {@code prior_sample} / {@code prior_sample_ddim} reproduced through the CLI
 * with the recorded draws (issue #5's acceptance run), batch and noise recording, and every bad argument.
 */
class PriorCommandTest {
    private static final String MODEL = Fixtures.file("MANIFEST.md").getParent().toString();
    private static final String PRIOR = Fixtures.file("prior-tiny.ckpt").toString();

    @TempDir
    Path tmp;

    private CliRunner.Result prior(String... extra) {
        List<String> args = new ArrayList<>(List.of("prior", "--model", MODEL, "--prior", PRIOR));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @CsvSource({"prior_sample.safetensors, 25", "prior_sample_ddim.safetensors, ddim25"})
    void replayedDrawsReproduceKarlosImageEmbedding(String file, String respacing) {
        SafetensorsFile golden = SafetensorsFile.open(Fixtures.file(file));
        Path out = tmp.resolve("emb.safetensors");
        List<String> args = new ArrayList<>(List.of("--prompt", golden.metadata().get("prompt"), "--noise", Fixtures.file(file).toString(),
                "--out", out.toString()));
        if (!respacing.equals("25")) args.addAll(List.of("--respacing", respacing)); // 25 steps and guidance 4 are the defaults
        CliRunner.Result r = prior(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        SafetensorsFile f = SafetensorsFile.open(out);
        double err = assertRelL2(golden.get("image_embedding"), f.get("image_embedding"), 1e-3, file + " image_embedding");
        assertEquals(respacing, f.metadata().get("respacing"));
        System.out.printf("prior CLI %s: image_embedding rel L2 %.3g%n", file, err);
    }

    @Test
    void batchRepeatsThePromptAndSavedNoiseReplaysExactly() {
        Path a = tmp.resolve("a.safetensors"), b = tmp.resolve("b.safetensors"), noise = tmp.resolve("noise.safetensors");
        CliRunner.Result r = prior("--prompt", "a cat", "--batch", "2", "--steps", "5", "--seed", "7", "--save-noise", noise.toString(),
                "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        Tensor first = SafetensorsFile.open(a).get("image_embedding");
        assertArrayEquals(new long[] {2, 64}, first.shape());
        assertTrue(relL2(first.slice(0, 0, 1).contiguous(), first.slice(0, 1, 2).contiguous()) > 1e-2, "rows drew the same noise");
        assertArrayEquals(new long[] {4, 64}, SafetensorsFile.open(noise).get("noise.prior.000").shape());

        r = prior("--prompt", "a cat", "--batch", "2", "--steps", "5", "--noise", noise.toString(), "--out", b.toString());
        assertEquals(0, r.code(), r.err());
        // same draws, same numbers, bit for bit
        assertSameValues(first, SafetensorsFile.open(b).get("image_embedding"));
    }

    /** Argument errors are found before the model is opened: the model path here does not exist. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--steps|0|--steps must be between 1 and 1000, got 0",
            "--steps|1001|--steps must be between 1 and 1000, got 1001",
            "--respacing|abc|respacing 'abc' is not",
            "--respacing|ddim999|no integer stride gives exactly 999",
            "--respacing|2000|cannot take 2000 steps",
            "--guidance|-1|--guidance must be a finite number >= 0, got -1.0",
            "--guidance|NaN|--guidance must be a finite number >= 0, got NaN",
            "--batch|0|--batch must be >= 1, got 0"})
    void badArgumentsFailBeforeLoadingAnything(String option, String value, String message) {
        Path out = tmp.resolve("emb.safetensors");
        CliRunner.Result r = run("prior", "--model", tmp.resolve("no-model").toString(), "--prompt", "a cat", option, value, "--out", out.toString());
        assertUserError(r, message);
        assertEquals(List.of(), listing(tmp));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "clip_text.safetensors|1|25|has no tensor noise.prior.000",
            "prior_sample.safetensors|2|25|noise.prior.000 is F32[2, 64] but the run needs F32[4, 64]",
            "prior_sample.safetensors|1|30|has no tensor noise.prior.026"})
    void noiseFilesWithoutTheRunsDrawsAreRefused(String file, String batch, String steps, String message) {
        Path out = tmp.resolve("emb.safetensors");
        CliRunner.Result r = prior("--prompt", "a cat", "--batch", batch, "--steps", steps, "--noise", Fixtures.file(file).toString(),
                "--out", out.toString());
        assertUserError(r, message);
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void seedAndNoiseExcludeEachOther() {
        CliRunner.Result r = prior("--prompt", "a cat", "--seed", "1", "--noise", Fixtures.file("prior_sample.safetensors").toString(),
                "--out", tmp.resolve("x.safetensors").toString());
        assertUserError(r, "--seed and --noise exclude each other");
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void existingFilesAreKeptUnlessForced() throws Exception {
        Path out = Files.writeString(tmp.resolve("emb.safetensors"), "precious");
        assertUserError(prior("--prompt", "a cat", "--steps", "2", "--out", out.toString()), out.toString(), "exists", "--force");
        assertEquals("precious", Files.readString(out));

        Path noise = Files.writeString(tmp.resolve("noise.safetensors"), "precious too");
        Path fresh = tmp.resolve("fresh.safetensors");
        assertUserError(prior("--prompt", "a cat", "--steps", "2", "--save-noise", noise.toString(), "--out", fresh.toString()),
                "--save-noise", "exists");
        assertFalse(Files.exists(fresh));

        CliRunner.Result r = prior("--prompt", "a cat", "--steps", "2", "--save-noise", noise.toString(), "--out", out.toString(), "--force");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[] {1, 64}, SafetensorsFile.open(out).get("image_embedding").shape());
        assertArrayEquals(new long[] {2, 64}, SafetensorsFile.open(noise).get("noise.prior.000").shape());
        assertEquals(List.of("emb.safetensors", "noise.safetensors"), listing(tmp));
    }

    @Test
    void missingOutputDirectoryIsNamed() {
        Path dir = tmp.resolve("not-there");
        assertUserError(prior("--prompt", "a cat", "--out", dir.resolve("emb.safetensors").toString()), "output directory " + dir + " does not exist");
        assertUserError(prior("--prompt", "a cat", "--out", tmp.toString()), "is a directory");
        assertEquals(List.of(), listing(tmp));
    }
}
