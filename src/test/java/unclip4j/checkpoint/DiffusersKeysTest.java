package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

class DiffusersKeysTest {
    @TempDir
    Path tmp;

    private static long params(Map<String, long[]> keys) {
        return keys.values().stream().mapToLong(Shape::numel).sum();
    }

    private static Map<String, long[]> shapesOf(StateDict sd) {
        Map<String, long[]> m = new java.util.LinkedHashMap<>();
        for (String k : sd.keys()) m.put(k, sd.info(k).shape());
        return m;
    }

    /** Spec §10 and §11: key counts and parameter totals of the full-size model, from the configs alone. */
    @Test
    void fullSizeKeyListsMatchTheSpec() {
        var clip = KarloKeys.clip(ClipConfig.vitL14());
        var prior = KarloKeys.prior(PriorConfig.karloV1Alpha());
        var decoder = KarloKeys.decoder(UNetConfig.karloV1Alpha());
        var sr = KarloKeys.sr(SrConfig.karloV1Alpha());
        assertEquals(446, clip.size());
        assertEquals(256, prior.size());
        assertEquals(595, decoder.size());
        assertEquals(816, sr.size());
        assertEquals(427_616_513L, params(clip));
        assertEquals(1_022_028_544L, params(prior));
        assertEquals(893_318_086L, params(decoder));
        assertEquals(2 * 691_579_523L, params(sr));

        StateDict fakeDecoder = shapeOnly(decoder);
        var d = shapesOf(KarloToDiffusers.toDiffusers(DiffusersKeys.decoder(decoder.keySet(), 3, 64), fakeDecoder));
        assertEquals(716, d.keySet().stream().filter(k -> k.startsWith("decoder/")).count());
        assertEquals(11, d.keySet().stream().filter(k -> k.startsWith("text_proj/")).count());
        assertEquals(885_439_686L, d.entrySet().stream().filter(e -> e.getKey().startsWith("decoder/")).mapToLong(e -> Shape.numel(e.getValue())).sum());
        assertEquals(336, KarloToDiffusers.toDiffusers(DiffusersKeys.prior(prior.keySet(), 64), shapeOnly(prior)).size(), "338 with clip_mean/clip_std");
        var s = shapesOf(KarloToDiffusers.toDiffusers(DiffusersKeys.sr(sr.keySet(), 3), shapeOnly(sr)));
        assertEquals(408, s.keySet().stream().filter(k -> k.startsWith("super_res_first/")).count());
        var c = shapesOf(KarloToDiffusers.toDiffusers(DiffusersKeys.clip(clip.keySet(), 768, 1024), shapeOnly(clip)));
        assertEquals(197, c.keySet().stream().filter(k -> k.startsWith("text_encoder/")).count());
        assertEquals(392, c.keySet().stream().filter(k -> k.startsWith("image_encoder/")).count());
        assertArrayEquals(new long[] {640, 1536}, d.get("decoder/down_blocks.1.attentions.0.add_k_proj.weight"));
        assertArrayEquals(new long[] {1280, 1280, 3, 3}, d.get("decoder/up_blocks.0.upsamplers.0.conv1.weight"));
    }

    /** Shapes without data: for tables and counts only (loading a tensor would fail). */
    private static StateDict shapeOnly(Map<String, long[]> keys) {
        StateDict sd = new StateDict("shape-only");
        keys.forEach((k, s) -> sd.put(new TensorInfo(k, unclip4j.tensor.DType.F32, s), () -> { throw new IllegalStateException("shape only"); }));
        return sd;
    }

    @Test
    void headInterleavedSplitDealsChunksRoundRobin() {
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) v[i] = i;
        Tensor fused = Tensor.of(v, 12);                          // 2 heads × (q,k,v) × chunk 2
        assertArrayEquals(new float[] {0, 1, 6, 7}, KarloToDiffusers.deinterleave(fused, 3, 2, 0).toFloatArray());
        assertArrayEquals(new float[] {2, 3, 8, 9}, KarloToDiffusers.deinterleave(fused, 3, 2, 1).toFloatArray());
        List<Tensor> parts = List.of(KarloToDiffusers.deinterleave(fused, 3, 2, 0), KarloToDiffusers.deinterleave(fused, 3, 2, 1),
                KarloToDiffusers.deinterleave(fused, 3, 2, 2));
        assertArrayEquals(v, DiffusersKeys.interleave(parts, 2).toFloatArray());
    }

    @Test
    void tinyFixturesSurviveKarloToDiffusersAndBack() throws IOException {
        ModelDirectory karlo = ModelDirectory.open(Fixtures.dir(), Map.of(Part.PRIOR, Fixtures.file("prior-tiny.ckpt")));
        var prior = karlo.prior();
        var decoder = karlo.decoder();
        var sr = karlo.sr();
        var clip = karlo.clip();
        ClipStats stats = karlo.clipStats();
        Path dir = tmp.resolve("karlo-diffusers");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"UnCLIPPipeline\"}");

        StateDict priorD = KarloToDiffusers.toDiffusers(DiffusersKeys.prior(prior.weights().keys(), 16), prior.weights());
        StateDict priorWithStats = new StateDict("prior");
        for (String k : priorD.keys()) priorWithStats.put(priorD.info(k).name(), priorD.get(k));
        priorWithStats.put("prior/clip_mean", stats.mean().reshape(1, -1));
        priorWithStats.put("prior/clip_std", stats.std().reshape(1, -1));
        write(dir, priorWithStats, "diffusion_pytorch_model.safetensors");
        config(dir, "prior", "{\"num_attention_heads\": 4, \"attention_head_dim\": 16, \"num_layers\": 2, \"embedding_dim\": 64,"
                + " \"num_embeddings\": 77, \"additional_embeddings\": 4}");
        write(dir, KarloToDiffusers.toDiffusers(DiffusersKeys.decoder(decoder.weights().keys(), 1, 16), decoder.weights()),
                "diffusion_pytorch_model.safetensors");
        config(dir, "decoder", "{\"sample_size\": 16, \"in_channels\": 3, \"out_channels\": 6, \"layers_per_block\": 1,"
                + " \"block_out_channels\": [32, 64], \"down_block_types\": [\"ResnetDownsampleBlock2D\", \"SimpleCrossAttnDownBlock2D\"],"
                + " \"attention_head_dim\": 16, \"cross_attention_dim\": 64, \"resnet_time_scale_shift\": \"scale_shift\"}");
        config(dir, "text_proj", "{\"clip_embeddings_dim\": 64, \"clip_extra_context_tokens\": 2, \"cross_attention_dim\": 64, \"time_embed_dim\": 128}");
        write(dir, KarloToDiffusers.toDiffusers(DiffusersKeys.sr(sr.weights().keys(), 1), sr.weights()), "diffusion_pytorch_model.safetensors");
        config(dir, "super_res_first", "{\"block_out_channels\": [32, 32], \"layers_per_block\": 1, \"in_channels\": 6, \"out_channels\": 3}");
        write(dir, KarloToDiffusers.toDiffusers(DiffusersKeys.clip(clip.weights().keys(), 64, 64), clip.weights()), "model.safetensors");
        config(dir, "text_encoder", "{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"projection_dim\": 64, \"max_position_embeddings\": 77, \"vocab_size\": 49408}");
        config(dir, "image_encoder", "{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"patch_size\": 14, \"image_size\": 224}");

        ModelDirectory diffusers = ModelDirectory.open(dir);
        assertEquals(ModelDirectory.Layout.DIFFUSERS, diffusers.layout());
        ModelDirectoryTest.assertSameTensors(prior.weights(), diffusers.prior().weights());
        ModelDirectoryTest.assertSameTensors(decoder.weights(), diffusers.decoder().weights());
        ModelDirectoryTest.assertSameTensors(sr.weights(), diffusers.sr().weights());
        StateDict clipWeights = clip.weights().rename(k -> List.of("logit_scale", "input_resolution", "context_length", "vocab_size").contains(k) ? null : k);
        ModelDirectoryTest.assertSameTensors(clipWeights, diffusers.clip().weights());
        assertEquals(prior.config(), diffusers.prior().config());
        assertEquals(decoder.config().channelMult(), diffusers.decoder().config().channelMult());
        assertEquals(decoder.config().attentionDs(), diffusers.decoder().config().attentionDs());
        assertEquals(sr.config(), diffusers.sr().config());
        assertEquals(clip.config(), diffusers.clip().config());
        assertArrayEquals(stats.mean().toFloatArray(), diffusers.clipStats().mean().toFloatArray());

        Files.delete(dir.resolve("decoder/diffusion_pytorch_model.safetensors"));
        StateDict broken = KarloToDiffusers.toDiffusers(DiffusersKeys.decoder(decoder.weights().keys(), 1, 16), decoder.weights())
                .rename(k -> k.endsWith("conv_in.bias") ? null : k);
        write(dir, broken, "diffusion_pytorch_model.safetensors");
        assertThrows(CheckpointException.class, () -> diffusers.decoder());
    }

    @Test
    void weightsUnderOtherNamesOrNoneAreNamedWithWhatToDo() throws IOException {
        Files.writeString(tmp.resolve("model_index.json"), "{}");
        Path folder = Files.createDirectories(tmp.resolve("text_encoder"));
        String missing = folder + ": no diffusion_pytorch_model.safetensors/.bin or model.safetensors/pytorch_model.bin";
        Map<String, String> expected = Map.of(
                "model.fp16.safetensors", "; found model.fp16.safetensors: variant files are not read; rename it to model.safetensors"
                        + " or download the default variant",
                "diffusion_pytorch_model-00001-of-00001.safetensors", "; found diffusion_pytorch_model-00001-of-00001.safetensors: sharded"
                        + " weights (…-00001-of-0000N) are not read; a single shard is all of them: rename it to diffusion_pytorch_model.safetensors",
                "model-00001-of-00002.safetensors", "; found model-00001-of-00002.safetensors: sharded weights (…-00001-of-0000N) are not"
                        + " read; merge the shards into one model.safetensors (save_pretrained with a larger max_shard_size)",
                "config.json", " (found config.json)");
        ModelDirectory dir = ModelDirectory.open(tmp);
        assertEquals(missing + " (the folder is empty)", assertThrows(CheckpointException.class, dir::clip).getMessage());
        for (var e : expected.entrySet()) {
            Files.writeString(folder.resolve(e.getKey()), "");
            assertEquals(missing + e.getValue(), assertThrows(CheckpointException.class, dir::clip).getMessage());
            Files.delete(folder.resolve(e.getKey()));
        }
        Files.delete(folder);
        Files.createDirectory(tmp.resolve("prior"));
        assertEquals(folder + ": no such folder (a diffusers model has one per component)",
                assertThrows(CheckpointException.class, dir::clip).getMessage());
    }

    @Test
    void aStrayModelIndexInAKarloFolderIsNamed() throws IOException {
        Files.copy(Fixtures.file("prior-tiny.ckpt"), tmp.resolve("prior-tiny.ckpt"));
        Files.writeString(tmp.resolve("model_index.json"), "{}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(tmp));
        assertEquals(tmp + ": has a model_index.json (a diffusers model) but none of its component folders (text_encoder/,"
                + " image_encoder/, prior/, text_proj/, decoder/, super_res_first/, super_res_last/); if it is a Karlo folder,"
                + " remove the stray model_index.json", e.getMessage());
    }

    /** Writes each folder's tensors (names "folder/key") into folder/file. */
    private static void write(Path dir, StateDict all, String file) throws IOException {
        Map<String, StateDict> byFolder = new java.util.LinkedHashMap<>();
        for (String k : all.keys()) {
            String folder = k.substring(0, k.indexOf('/'));
            byFolder.computeIfAbsent(folder, f -> new StateDict(f)).put(k.substring(folder.length() + 1), all.get(k));
        }
        for (var e : byFolder.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()));
            SafetensorsWriter.write(dir.resolve(e.getKey()).resolve(file), e.getValue(), Map.of());
        }
    }

    private static void config(Path dir, String folder, String json) throws IOException {
        Files.createDirectories(dir.resolve(folder));
        Files.writeString(dir.resolve(folder).resolve("config.json"), json);
    }
}
