package unclip4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.TensorInfo;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.tensor.DType;
import unclip4j.testing.Fixtures;

/**
 * A few bytes of config must not make a stage ask for gigabytes, divide by zero or fail deep inside
 * a stage, nor be silently ignored: absurd values, and settings the samplers would not follow, are
 * refused as the config is read, naming the file and the key.
 */
class ConfigLimitsTest {
    @TempDir
    Path tmp;

    /** Each edit {from, to, expected words} of the fixture YAML is refused with a message starting with the file. */
    private void assertRefused(String name, Function<Path, ?> read, String[][] edits) throws IOException {
        String yaml = Files.readString(Fixtures.file(name));
        for (String[] edit : edits) {
            assertTrue(yaml.contains(edit[0]), edit[0]);
            Path f = Files.writeString(tmp.resolve(name), yaml.replace(edit[0], edit[1]));
            CheckpointException e = assertThrows(CheckpointException.class, () -> read.apply(f), edit[1]);
            assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(edit[2]), e.getMessage());
        }
    }

    @Test
    void absurdDecoderSettingsAreRefusedByKey() throws IOException {
        assertRefused("decoder.yaml", KarloYaml::decoder, new String[][] {
                {"num_res_blocks: 1", "num_res_blocks: 100000000", "num_res_blocks is 100000000, outside 1..64"},
                {"num_head_channels: 16", "num_head_channels: 0", "num_head_channels is 0, outside 1.."},
                {"num_head_channels: 16", "num_head_channels: 12", "num_head_channels 12 does not divide the attention width 64"},
                {"num_channels: 32", "num_channels: -32", "num_channels is -32, outside 1.."},
                {"num_channels: 32", "num_channels: 48", "each level must be a multiple of 32"},
                {"channel_mult: 1,2", "channel_mult: 1,2,2,2,2,2,2,2,2,2,2,2,2", "channel_mult has 13 levels, outside 1..12"},
                {"channel_mult: 1,2", "channel_mult: 1,2,2,2,2,2", "image_size is 16, which the 6 levels of channel_mult cannot halve 5 times"},
                {"image_size: 16", "image_size: 2048", "image_size is 2048, outside 1..1024"},
                {"clip_dim: 64", "clip_dim: 999999999", "clip_dim is 999999999, outside 1..65536"},
                {"clip_dim: 64", "clip_dim: 99999999999", "clip_dim is 99999999999, far outside any model's sizes"},
                {"clip_emb_mult: 2", "clip_emb_mult: 0", "clip_emb_mult is 0, outside 1..64"},
                {"xf_width: 64", "xf_width: 1000000", "xf_width is 1000000, outside 1..65536"},
                {"    learn_sigma: true\n    text_drop", "    learn_sigma: false\n    text_drop", "learn_sigma is false"},
                {"resblock_updown: true", "resblock_updown: false", "resblock_updown is false"},
                {"clip_emb_drop: 0.1", "clip_emb_drop: 0", "clip_emb_drop is 0.0"},
                {"channel_mult: 1,2", "channel_mult: ''", "channel_mult is '', which has no default for image_size 16"}});
    }

    @Test
    void absurdSuperResolutionSettingsAreRefusedByKey() throws IOException {
        assertRefused("sr.yaml", KarloYaml::sr, new String[][] {
                {"depth: 1", "depth: 0", "depth is 0, outside 1..64"},
                {"channels: 32", "channels: 100000", "channels is 100000, outside 1..16384"},
                {"channels_multiple:\n    - 1\n    - 1", "channels_multiple: []", "channels_multiple has 0 levels"},
                {"channels_multiple:\n    - 1\n    - 1", "channels_multiple:\n    - 1\n    - 1000", "each level must be a multiple of 32"}});
    }

    /** The samplers run Karlo's processes: a diffusion: setting they would not follow is refused, not ignored. */
    @Test
    void diffusionSettingsTheSamplersDoNotFollowAreRefused() throws IOException {
        String karlo = "but unclip4j samples the prior as Karlo does, with steps 1000, noise_schedule squaredcos_cap_v2, learn_sigma false,"
                + " sigma_small true, predict_xstart true (respaced by the command's step options)";
        assertRefused("prior.yaml", KarloYaml::prior, new String[][] {
                {"steps: 1000", "steps: 7", "diffusion.steps is 7, " + karlo},
                {"steps: 1000", "steps: -5", "diffusion.steps is -5"},
                {"noise_schedule: squaredcos_cap_v2", "noise_schedule: linear", "diffusion.noise_schedule is linear"},
                {"noise_schedule: squaredcos_cap_v2", "noise_schedule: bogus", "diffusion.noise_schedule is bogus"},
                {"predict_xstart: true", "predict_xstart: false", "diffusion.predict_xstart is false"},
                {"  sigma_small: true", "  sigma_small: false", "diffusion.sigma_small is false"}});
        assertRefused("decoder.yaml", KarloYaml::decoder, new String[][] {
                {"  learn_sigma: true\n  sigma_small", "  learn_sigma: false\n  sigma_small", "diffusion.learn_sigma is false"},
                {"timestep_respacing: ''", "timestep_respacing: '50'", "diffusion.timestep_respacing is '50', but unclip4j samples the decoder as Karlo does"}});
        assertRefused("sr.yaml", KarloYaml::sr, new String[][] {{"  timestep_respacing: '7'\nsampling", "  timestep_respacing: '8'\nsampling",
                "diffusion.timestep_respacing is '8'"}});
    }

    /** What Karlo's samplers ignore too is accepted: the training losses, the decoder's sigma_small, an empty respacing. */
    @Test
    void diffusionSettingsThatDoNotChangeSamplingAreAccepted() throws IOException {
        String prior = Files.readString(Fixtures.file("prior.yaml")).replace("use_kl: false", "use_kl: true");
        assertEquals(true, KarloYaml.prior(Files.writeString(tmp.resolve("prior.yaml"), prior)).diffusion().useKl());
        String decoder = Files.readString(Fixtures.file("decoder.yaml")).replace("  sigma_small: false", "  sigma_small: true")
                .replace("rescale_learned_sigmas: true", "rescale_learned_sigmas: false");
        assertEquals(true, KarloYaml.decoder(Files.writeString(tmp.resolve("decoder.yaml"), decoder)).diffusion().sigmaSmall());
        String sr = Files.readString(Fixtures.file("sr.yaml")).replace("  timestep_respacing: '7'\nsampling", "  timestep_respacing: ''\nsampling");
        assertEquals("", KarloYaml.sr(Files.writeString(tmp.resolve("sr.yaml"), sr)).diffusion().timestepRespacing());
    }

    /** CLIP has no config file: its settings come from tensor shapes, and the checkpoint is named. */
    @Test
    void clipShapesOutsideSaneSizesAreRefusedNamingTheFile() {
        StateDict tiny = TorchCheckpoint.read(Fixtures.file("ViT-tiny.pt"));
        for (Object[] edit : new Object[][] {
                {"ln_final.weight", new long[] {32}, "transformer_width is 32, outside 64..65536"},
                {"ln_final.weight", new long[] {3_000_000_000L}, "transformer_width is 2147483647, outside 64..65536"},
                {"visual.conv1.weight", new long[] {64, 3, 0, 0}, "vision_patch_size is 0, outside 1..2048"},
                {"token_embedding.weight", new long[] {0, 64}, "vocab_size is 0, outside 1..1048576"},
                {"text_projection", new long[] {64}, "text_projection has shape [64], fewer axes than CLIP's"}}) {
            StateDict sd = new StateDict("evil.pt");
            for (String k : tiny.keys()) {
                long[] shape = k.equals(edit[0]) ? (long[]) edit[1] : tiny.info(k).shape();
                sd.put(new TensorInfo(k, DType.F32, shape), () -> { throw new AssertionError("shapes only"); });
            }
            CheckpointException e = assertThrows(CheckpointException.class, () -> ClipConfig.fromStateDict(sd));
            assertTrue(e.getMessage().startsWith("evil.pt: ") && e.getMessage().contains((String) edit[2]), e.getMessage());
        }
    }
}
