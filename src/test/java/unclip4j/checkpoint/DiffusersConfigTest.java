package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config.json readers of a diffusers folder refuse absurd values by file and key, as the YAML readers do. */
class DiffusersConfigTest {
    @TempDir
    Path tmp;

    /** The karlo-tiny configs in diffusers form (as DiffusersKeysTest writes them). */
    private static final Map<String, String> TINY = Map.of(
            "prior", "{\"num_attention_heads\": 4, \"attention_head_dim\": 16, \"num_layers\": 2, \"embedding_dim\": 64,"
                    + " \"num_embeddings\": 77, \"additional_embeddings\": 4}",
            "decoder", "{\"sample_size\": 16, \"in_channels\": 3, \"out_channels\": 6, \"layers_per_block\": 1,"
                    + " \"block_out_channels\": [32, 64], \"down_block_types\": [\"ResnetDownsampleBlock2D\", \"SimpleCrossAttnDownBlock2D\"],"
                    + " \"attention_head_dim\": 16, \"cross_attention_dim\": 64, \"resnet_time_scale_shift\": \"scale_shift\"}",
            "text_proj", "{\"clip_embeddings_dim\": 64, \"clip_extra_context_tokens\": 2, \"cross_attention_dim\": 64, \"time_embed_dim\": 128}",
            "super_res_first", "{\"block_out_channels\": [32, 32], \"layers_per_block\": 1, \"in_channels\": 6, \"out_channels\": 3}",
            "text_encoder", "{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"projection_dim\": 64, \"max_position_embeddings\": 77, \"vocab_size\": 49408}",
            "image_encoder", "{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"patch_size\": 14, \"image_size\": 224}");

    /** The tiny configs with one folder's config.json edited (from → to); a folder of none for them as they are. */
    private Path edited(String folder, String from, String to) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "diffusers");
        for (var e : TINY.entrySet()) {
            String json = e.getKey().equals(folder) ? e.getValue().replace(from, to) : e.getValue();
            assertTrue(!e.getKey().equals(folder) || e.getValue().contains(from), from);
            Files.createDirectories(dir.resolve(e.getKey()));
            Files.writeString(dir.resolve(e.getKey()).resolve("config.json"), json);
        }
        return dir;
    }

    private void assertRefused(Function<Path, ?> read, String folder, String from, String to, String expected) throws IOException {
        Path dir = edited(folder, from, to);
        CheckpointException e = assertThrows(CheckpointException.class, () -> read.apply(dir), to);
        String file = dir.resolve(folder).resolve("config.json").toString();
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void tinyConfigsRead() throws IOException {
        Path dir = edited("none", "", "");
        assertEquals(1, DiffusersLayout.decoderConfig(dir).numResBlocks());
        assertEquals(1, DiffusersLayout.srConfig(dir).depth());
        assertEquals(4, DiffusersLayout.priorConfig(dir).xfHeads());
        assertEquals(14, DiffusersLayout.clipConfig(dir, true).visionPatchSize());
    }

    @Test
    void absurdDecoderValuesAreRefusedByFileAndKey() throws IOException {
        Function<Path, ?> decoder = DiffusersLayout::decoderConfig;
        assertRefused(decoder, "decoder", "\"layers_per_block\": 1", "\"layers_per_block\": 100000000",
                "layers_per_block, as num_res_blocks, is 100000000, outside 1..64");
        assertRefused(decoder, "decoder", "\"layers_per_block\": 1", "\"layers_per_block\": 1e8", "layers_per_block is 1.0E8, not an integer");
        assertRefused(decoder, "decoder", "\"layers_per_block\": 1", "\"layers_per_block\": -1", "layers_per_block, as num_res_blocks, is -1");
        assertRefused(decoder, "decoder", "\"sample_size\": 16", "\"sample_size\": 1.5", "sample_size is 1.5, not an integer");
        assertRefused(decoder, "decoder", "\"sample_size\": 16", "\"sample_size\": -16", "sample_size, as image_size, is -16, outside 1..1024");
        assertRefused(decoder, "decoder", "\"attention_head_dim\": 16", "\"attention_head_dim\": 0", "attention_head_dim, as num_head_channels, is 0");
        assertRefused(decoder, "decoder", "[32, 64]", "[0, 32]", "block_out_channels holds 0; each entry must be a positive multiple of the first");
        assertRefused(decoder, "decoder", "[32, 64]", "[32, 48]", "block_out_channels holds 48; each entry must be a positive multiple of the first");
        assertRefused(decoder, "decoder", "[32, 64]", "[32" + ", 64".repeat(40) + "]", "block_out_channels, as channel_mult, has 41 levels, outside 1..12");
        assertRefused(decoder, "decoder", "\"out_channels\": 6", "\"out_channels\": 3", "out_channels, as learn_sigma, is false");
        assertRefused(decoder, "text_proj", "\"clip_embeddings_dim\": 64", "\"clip_embeddings_dim\": 999999999",
                "clip_embeddings_dim, as clip_dim, is 999999999, outside 1..65536");
    }

    @Test
    void absurdValuesOfTheOtherComponentsAreRefusedByFileAndKey() throws IOException {
        assertRefused(DiffusersLayout::srConfig, "super_res_first", "[32, 32]", "[]", "block_out_channels is not a list of integers");
        assertRefused(DiffusersLayout::srConfig, "super_res_first", "[32, 32]", "[0, 32]", "block_out_channels holds 0");
        assertRefused(DiffusersLayout::srConfig, "super_res_first", "\"layers_per_block\": 1", "\"layers_per_block\": 0",
                "layers_per_block, as depth, is 0, outside 1..64");
        assertRefused(DiffusersLayout::priorConfig, "prior", "\"num_attention_heads\": 4", "\"num_attention_heads\": 65536",
                "num_attention_heads × attention_head_dim, as xf_width, is 1048576, outside 1..65536");
        Function<Path, ?> clip = dir -> DiffusersLayout.clipConfig(dir, true);
        assertRefused(clip, "text_encoder", "\"hidden_size\": 64", "\"hidden_size\": 0", "hidden_size, as transformer_width, is 0, outside 64..65536");
        assertRefused(clip, "image_encoder", "\"patch_size\": 14", "\"patch_size\": 0", "patch_size, as vision_patch_size, is 0");
        assertRefused(clip, "image_encoder", "\"patch_size\": 14", "\"patch_size\": 15", "image_size, as image_resolution, 224 is not a multiple of vision_patch_size 15");
        assertRefused(clip, "text_encoder", "\"vocab_size\": 49408", "\"vocab_size\": 0", "vocab_size is 0, outside 1..1048576");
    }
}
