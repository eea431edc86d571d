package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.Fixtures;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.tensor.Tensor;
import unclip4j.testing.SparseFile;

class InspectConvertCommandTest {
    @TempDir
    Path tmp;

    @Test
    void inspectListsEveryFixtureCheckpoint() {
        Map<String, String> expected = Map.of("ViT-tiny.pt", "CLIP", "ViT-tiny_stats.th", "CLIP stats", "prior-tiny.ckpt", "prior",
                "prior-tiny-fp16.ckpt", "prior", "decoder-tiny.ckpt", "decoder", "sr-tiny.ckpt", "SR");
        for (var e : expected.entrySet()) {
            CliRunner.Result r = run("inspect", Fixtures.file(e.getKey()).toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("component  " + e.getValue() + "\n"), r.out());
        }
        CliRunner.Result clip = run("inspect", Fixtures.file("ViT-tiny.pt").toString());
        assertTrue(clip.out().contains("format     TorchScript archive"));
        assertTrue(clip.out().contains("total      65 tensors"));
        assertTrue(clip.out().contains("config     ClipConfig[embedDim=64"));
        assertTrue(clip.out().matches("(?s).*visual\\.conv1\\.weight\\s+F16\\s+\\[64, 3, 14, 14\\]\\s+75264\\n.*"), clip.out());
    }

    @Test
    void inspectChecksShapesAgainstTheConfigBesideTheFileOrKarlos() throws Exception {
        for (String f : new String[] {"prior-tiny.ckpt", "decoder-tiny.ckpt", "sr-tiny.ckpt"}) {
            CliRunner.Result r = run("inspect", Fixtures.file(f).toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("every key and shape matches this config"), f + ":\n" + r.out());
        }
        // without its decoder.yaml the tiny decoder is compared with full-size Karlo, and does not fit
        Path alone = tmp.resolve("decoder-tiny.ckpt");
        java.nio.file.Files.copy(Fixtures.file("decoder-tiny.ckpt"), alone);
        CliRunner.Result r = run("inspect", alone.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Karlo v1.0 alpha's preset") && r.out().contains("keys do not match this config"), r.out());
    }

    @Test
    void errorsAreOneLineWithExitCodeTwo() throws Exception {
        CliRunner.Result r = run("inspect", tmp.resolve("missing.ckpt").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("no such file"), r.err());
        assertFalse(r.err().contains("\tat "));
        Path link = Files.createSymbolicLink(tmp.resolve("moved.ckpt"), tmp.resolve("gone.ckpt"));
        CliRunner.assertUserError(run("inspect", link.toString()), link + ": a dangling link to " + tmp.resolve("gone.ckpt"));
        CliRunner.Result amb = run("convert", "--model", Fixtures.dir().toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, amb.code());
        assertTrue(amb.err().contains("prior-tiny-fp16.ckpt, prior-tiny.ckpt"), amb.err());
    }

    @Test
    void nonFiniteWeightsWarnOrFailWithStrict() {
        StateDict sd = new StateDict("nan");
        sd.put("w", Tensor.of(new float[] {1f, Float.NaN}, 2));
        Path f = tmp.resolve("nan.safetensors");
        SafetensorsWriter.write(f, sd, Map.of());
        CliRunner.Result warn = run("inspect", f.toString());
        assertEquals(0, warn.code());
        assertTrue(warn.err().startsWith("warning: 1 tensor(s) hold NaN or Inf: w"), warn.err());
        CliRunner.Result strict = run("inspect", "--strict", f.toString());
        assertEquals(2, strict.code());
        assertTrue(strict.err().contains("NaN or Inf"));
    }

    /** 6 GB of F16 whose first value is NaN, sparse: only the header and that value are written. */
    @Test
    void aTensorPastTwoToTheThirtyOneElementsIsChecked() throws Exception {
        long elements = 3_000_000_000L;
        byte[] header = ("{\"w\":{\"dtype\":\"F16\",\"shape\":[" + elements + "],\"data_offsets\":[0," + 2 * elements + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("huge.safetensors");
        SparseFile.write(f, ByteBuffer.allocate(8 + header.length + 2).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).putShort(Float.floatToFloat16(Float.NaN)).array(), 8 + header.length + 2 * elements);
        CliRunner.Result r = run("inspect", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("warning: 1 tensor(s) hold NaN or Inf: w", r.err().strip());
    }

    @Test
    void convertWritesTheConvertedLayout() throws Exception {
        Path out = tmp.resolve("converted");
        CliRunner.Result r = run("convert", "--model", Fixtures.dir().toString(), "--prior", Fixtures.file("prior-tiny-fp16.ckpt").toString(),
                "--out", out.toString(), "--dtype", "f32");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"unclip4j-model.json", "clip.safetensors", "clip_stats.safetensors", "prior.safetensors", "prior.yaml",
                "decoder.safetensors", "decoder.yaml", "sr.safetensors", "sr.yaml"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        CliRunner.Result inspect = run("inspect", out.resolve("prior.safetensors").toString());
        assertTrue(inspect.out().matches("(?s).*model\\.prd_emb\\s+F32\\s+\\[1, 1, 64\\].*"), inspect.out());
        // an earlier conversion is only replaced with --force, and the check comes before any work
        String[] again = {"convert", "--model", Fixtures.dir().toString(), "--prior", Fixtures.file("prior-tiny-fp16.ckpt").toString(),
                "--out", out.toString(), "--dtype", "f16"};
        CliRunner.assertUserError(run(again), "clip_stats.safetensors: exists; use --force to overwrite");
        assertTrue(run("inspect", out.resolve("prior.safetensors").toString()).out().matches("(?s).*model\\.prd_emb\\s+F32.*"),
                "the f32 conversion is untouched");
        String[] forced = java.util.Arrays.copyOf(again, again.length + 1);
        forced[again.length] = "--force";
        assertEquals(0, run(forced).code());
        assertTrue(run("inspect", out.resolve("prior.safetensors").toString()).out().matches("(?s).*model\\.prd_emb\\s+F16.*"));
        CliRunner.assertUserError(run("convert", "--model", Fixtures.dir().toString(), "--out", out.resolve("prior.yaml").toString()),
                "exists and is not a directory");
        // into the model's own folder: it would become another layout, and its prior.yaml the converted one
        Path karlo = tmp.resolve("karlo");
        Files.createDirectories(karlo);
        for (String f : new String[] {"ViT-tiny.pt", "ViT-tiny_stats.th", "prior-tiny.ckpt", "prior.yaml", "decoder-tiny.ckpt", "decoder.yaml",
                "sr-tiny.ckpt", "sr.yaml"}) {
            Files.copy(Fixtures.file(f), karlo.resolve(f));
        }
        CliRunner.assertUserError(run("convert", "--model", karlo.toString(), "--out", karlo.toString()),
                "is the model directory itself; convert into another folder"); // not "use --force", which would not help
        // a config present but broken is named, not passed over for the built-in settings
        Files.delete(karlo.resolve("decoder.yaml"));
        Files.createSymbolicLink(karlo.resolve("decoder.yaml"), tmp.resolve("nowhere.yaml"));
        CliRunner.assertUserError(run("convert", "--model", karlo.toString(), "--out", tmp.resolve("other").toString()),
                karlo.resolve("decoder.yaml") + ": a dangling link");
        CliRunner.assertUserError(run("inspect", karlo.resolve("decoder-tiny.ckpt").toString()), karlo.resolve("decoder.yaml") + ": a dangling link");
        CliRunner.assertUserError(run("convert", "--model", Fixtures.dir().toString(), "--prior", karlo.resolve("prior-tiny.ckpt").toString(),
                "--out", karlo.toString(), "--force"), "the conversion would write over " + karlo.resolve("prior.yaml"));
        try (var left = Files.list(karlo)) {
            assertEquals(8, left.count(), "the folder holds what it held");
        }
    }

    /** A conversion that fails at its last component (a broken sr.yaml) leaves --out as it found it: absent folders are not left made. */
    @Test
    void aConversionThatFailsMidwayWritesNothing() throws Exception {
        Path good = tmp.resolve("good");
        assertEquals(0, run("convert", "--model", Fixtures.dir().toString(), "--prior", Fixtures.file("prior-tiny.ckpt").toString(),
                "--out", good.toString(), "--dtype", "f32").code());
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (Path f : Files.list(good).toList()) Files.copy(f, broken.resolve(f.getFileName()));
        Files.writeString(broken.resolve("sr.yaml"), "model: [\n");

        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        CliRunner.assertUserError(run("convert", "--model", broken.toString(), "--out", fresh.toString()), "sr.yaml");
        try (var left = Files.list(fresh)) {
            assertEquals(java.util.List.of(), left.toList(), "no half model, no staging folder");
        }
        CliRunner.assertUserError(run("convert", "--model", broken.toString(), "--out", tmp.resolve("new/nested").toString()), "sr.yaml");
        assertFalse(Files.exists(tmp.resolve("new")), "the folders made for --out went with the failed conversion");
        byte[] before = Files.readAllBytes(good.resolve("decoder.safetensors"));
        CliRunner.assertUserError(run("convert", "--model", broken.toString(), "--out", good.toString(), "--dtype", "f16", "--force"), "sr.yaml");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(good.resolve("decoder.safetensors"))), "the earlier conversion is intact");
        try (var left = Files.list(good)) {
            assertEquals(9, left.count(), "nine files, no staging folder");
        }
    }
}
