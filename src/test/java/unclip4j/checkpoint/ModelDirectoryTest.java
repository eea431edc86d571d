package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.config.KarloYaml;
import unclip4j.tensor.DType;

class ModelDirectoryTest {
    @TempDir
    Path tmp;

    private static ModelDirectory fixtures() {
        return ModelDirectory.open(Fixtures.dir(), Map.of(Part.PRIOR, Fixtures.file("prior-tiny.ckpt")));
    }

    @Test
    void twoPriorCheckpointsAreAmbiguousUntilOneIsChosen() {
        ModelDirectory dir = ModelDirectory.open(Fixtures.dir());
        CheckpointException e = assertThrows(CheckpointException.class, dir::prior);
        assertTrue(e.getMessage().contains("prior-tiny-fp16.ckpt, prior-tiny.ckpt") && e.getMessage().contains("--prior"), e.getMessage());
        assertEquals(163, dir.decoder().weights().size(), "other components still resolve");
        assertEquals(40, fixtures().prior().weights().size());
    }

    @Test
    void karloDirectoryGivesWeightsAndConfigs() {
        ModelDirectory dir = fixtures();
        assertEquals(ModelDirectory.Layout.KARLO, dir.layout());
        var clip = dir.clip();
        assertEquals(new ClipConfig(64, 64, 2, 14, 224, 77, 49408, 64, 1, 2), clip.config());
        var decoder = dir.decoder();
        assertEquals(KarloYaml.decoder(Fixtures.file("decoder.yaml")), decoder.config());
        assertEquals(List.of(1, 2), decoder.config().channelMult());
        assertEquals(List.of(2), decoder.config().attentionDs());
        assertEquals(16, decoder.config().numHeadChannels());
        assertEquals(4, dir.prior().config().xfHeads());
        assertEquals(List.of(1, 1), dir.sr().config().channelsMultiple());
        assertEquals(64, dir.clipStats().mean().size(0));
        assertEquals(Fixtures.file("sr-tiny.ckpt"), dir.karloFile(Part.SR));
    }

    @Test
    void configAndKeyGeneratorsReproduceEveryFixtureShape() {
        ModelDirectory dir = fixtures();
        assertShapes(KarloKeys.prior(dir.prior().config()), dir.prior().weights());
        assertShapes(KarloKeys.decoder(dir.decoder().config()), dir.decoder().weights());
        assertShapes(KarloKeys.sr(dir.sr().config()), dir.sr().weights());
        StateDict clip = dir.clip().weights().rename(k -> List.of("input_resolution", "context_length", "vocab_size").contains(k) ? null : k);
        assertShapes(KarloKeys.clip(dir.clip().config()), clip);
    }

    @Test
    void aPartGivenAsItsOwnFileTakesTheConfigBesideIt() throws IOException {
        Path prior = unclip4j.testing.Fixtures.oneLayerPrior(tmp.resolve("P"));
        ModelDirectory dir = ModelDirectory.open(Fixtures.dir(), Map.of(Part.PRIOR, prior));
        assertEquals(1, dir.prior().config().xfLayers(), "P/prior.yaml, not the model directory's");
        assertEquals(List.of(prior, tmp.resolve("P/prior.yaml")), dir.files(Part.PRIOR), "the manifest hashes the config used");
        // without a YAML of its own, the file takes the directory's
        Path alone = Files.copy(Fixtures.file("prior-tiny.ckpt"), tmp.resolve("prior-tiny.ckpt"));
        ModelDirectory other = ModelDirectory.open(Fixtures.dir(), Map.of(Part.PRIOR, alone));
        assertEquals(2, other.prior().config().xfLayers());
        assertEquals(List.of(alone, Fixtures.file("prior.yaml")), other.files(Part.PRIOR));
    }

    private static void assertShapes(Map<String, long[]> expected, StateDict actual) {
        assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(actual.keys()));
        expected.forEach((k, s) -> assertArrayEquals(s, actual.info(k).shape(), k));
    }

    @Test
    void convertRoundTripsExactlyAndIsDeterministic() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        List<Path> files = ConvertedLayout.write(fixtures(), a, null);
        ConvertedLayout.write(fixtures(), b, null);
        for (Path f : files) assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(f.getFileName())), f.toString());

        ModelDirectory src = fixtures(), conv = ModelDirectory.open(a);
        assertEquals(ModelDirectory.Layout.CONVERTED, conv.layout());
        for (Part p : List.of(Part.CLIP, Part.PRIOR, Part.DECODER, Part.SR)) assertSameTensors(src.weights(p), conv.weights(p));
        assertEquals(src.decoder().config(), conv.decoder().config());
        assertEquals(src.prior().config(), conv.prior().config());
        assertEquals(src.sr().config(), conv.sr().config());
        assertEquals(src.clip().config(), conv.clip().config());
        assertArrayEquals(src.clipStats().std().toFloatArray(), conv.clipStats().std().toFloatArray());
        assertTrue(conv.decoder().weights().get("model.out.2.weight").segment().isMapped(), "converted weights load zero-copy");
    }

    @Test
    void convertToHalfStoresF16() {
        ConvertedLayout.write(fixtures(), tmp, DType.F16);
        StateDict clip = ModelDirectory.open(tmp).weights(Part.CLIP);
        assertEquals(DType.F16, clip.info("token_embedding.weight").dtype());
        assertEquals(DType.I64, clip.info("vocab_size").dtype());
    }

    @Test
    void aConvertedModelWithoutOneOfItsConfigsSaysWhichIsMissing() throws IOException {
        ConvertedLayout.write(fixtures(), tmp, null);
        Files.delete(tmp.resolve("sr.yaml"));
        ModelDirectory dir = ModelDirectory.open(tmp);
        for (Executable load : List.<Executable>of(dir::sr, () -> dir.files(Part.SR))) {
            String message = assertThrows(CheckpointException.class, load).getMessage();
            assertTrue(message.startsWith(tmp.resolve("sr.yaml") + ": no such file") && message.endsWith("convert the model again"), message);
        }
    }

    @Test
    void aConvertedModelsMarkerMustBeOneThisVersionReads() throws IOException {
        Path marker = tmp.resolve("unclip4j-model.json");
        Map<String, String> expected = Map.of(
                "garbage\n", "not JSON (",
                "[\"unclip4j\", 1]", "not an unclip4j model marker",
                "{\"format\": \"unclip4j\", \"version\": \"1\"}", "no integer \"version\"",
                "{\"format\": \"unclip4j\", \"version\": 99}", "converted-model layout version 99, but this unclip4j reads version 1 only");
        for (var e : expected.entrySet()) {
            Files.writeString(marker, e.getKey());
            String message = assertThrows(CheckpointException.class, () -> ModelDirectory.open(tmp)).getMessage();
            assertTrue(message.startsWith(marker + ": " + e.getValue()) && message.contains("convert"), message);
        }
        Files.writeString(marker, "{\"format\": \"unclip4j\", \"version\": 1}");
        assertEquals(ModelDirectory.Layout.CONVERTED, ModelDirectory.open(tmp).layout());
    }

    @Test
    void aDanglingLinkIsNamedWithWhereItPoints() throws IOException {
        Path target = tmp.resolve("unmounted").resolve("sr.ckpt");
        Path link = Files.createSymbolicLink(tmp.resolve("sr-tiny.ckpt"), target);
        String expected = link + ": a dangling link to " + target + " (no such file there)";
        CheckpointException found = assertThrows(CheckpointException.class, () -> ModelDirectory.open(tmp).karloFile(Part.SR));
        assertEquals(expected + "; fix it, or give the file with --sr", found.getMessage());
        CheckpointException given = assertThrows(CheckpointException.class, () -> ModelDirectory.open(tmp, Map.of(Part.SR, link)));
        assertEquals(expected, given.getMessage());
    }

    /** A Hugging Face snapshot links its weights into blobs/; a partial download leaves the link dangling. */
    @Test
    void aDanglingDiffusersWeightsLinkIsNamedNotReportedMissing() throws IOException {
        Path prior = Files.createDirectories(tmp.resolve("snapshot").resolve("prior"));
        Path blob = tmp.resolve("blobs").resolve("9f2c");
        Files.createSymbolicLink(prior.resolve("diffusion_pytorch_model.safetensors"), blob);
        CheckpointException e = assertThrows(CheckpointException.class, () -> DiffusersLayout.clipStats(prior.getParent()));
        assertEquals(prior.resolve("diffusion_pytorch_model.safetensors") + ": a dangling link to " + blob + " (no such file there)", e.getMessage());
    }

    static void assertSameTensors(StateDict expected, StateDict actual) {
        assertEquals(new java.util.TreeSet<>(expected.keys()), new java.util.TreeSet<>(actual.keys()));
        for (String k : expected.keys()) {
            assertEquals(expected.info(k).dtype(), actual.info(k).dtype(), k);
            assertArrayEquals(expected.info(k).shape(), actual.info(k).shape(), k);
            assertArrayEquals(expected.get(k).toDoubleArray(), actual.get(k).toDoubleArray(), 0.0, k);
        }
    }
}
