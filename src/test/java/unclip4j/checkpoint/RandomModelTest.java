package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.cli.ModelOptions;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

class RandomModelTest {
    /** Full size by shapes only: nothing is generated until a key is read. */
    @Test
    void fullSizeKeySetsAndParameterCounts() {
        RandomModel karlo = RandomModel.karloV1Alpha(0);
        StateDict text = karlo.clip().weights().rename(k -> k.startsWith("visual.") || k.equals("logit_scale") ? null : k);
        assertKeys(149, 123_650_304L, text);
        assertKeys(256, 1_022_028_544L, karlo.prior().weights());
        assertKeys(595, 893_318_086L, karlo.decoder().weights());
        assertKeys(816, 2 * 691_579_523L, karlo.sr().weights());
        Map<String, long[]> expected = KarloKeys.decoder(karlo.decoderConfig());
        StateDict decoder = karlo.decoder().weights();
        expected.forEach((k, shape) -> assertArrayEquals(shape, decoder.info(k).shape(), k));
    }

    /** The same code path as full size, on the embedded tiny model's configs: every stage builds strictly. */
    @Test
    void tinyStagesBuildStrictly() {
        ModelDirectory tiny = ModelDirectory.open(ModelOptions.embeddedModel());
        RandomModel model = new RandomModel(tiny.clip().config(), tiny.prior().config(), tiny.decoder().config(), tiny.sr().config(), 7);
        StageLoader loader = new StageLoader(model, new CpuBackend());
        loader.clipText();
        loader.prior();
        loader.decoder();
        loader.superRes();
    }

    @Test
    void weightsAreDeterministicFiniteAndScaledByFanIn() {
        long[] shape = {256, 128, 3, 3};
        Tensor a = RandomWeights.tensor("conv.weight", shape, 3), b = RandomWeights.tensor("conv.weight", shape, 3);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        double sumSq = 0;
        for (float v : a.toFloatArray()) {
            assertTrue(Float.isFinite(v));
            sumSq += v * v;
        }
        assertEquals(1.0 / (128 * 9), sumSq / a.numel(), 0.05 / (128 * 9));
        assertArrayEquals(new float[] {1, 1}, RandomWeights.tensor("norm.weight", new long[] {2}, 3).toFloatArray());
        assertArrayEquals(new float[] {0, 0}, RandomWeights.tensor("norm.bias", new long[] {2}, 3).toFloatArray());
    }

    private static void assertKeys(int count, long parameters, StateDict sd) {
        assertEquals(count, sd.size(), sd.toString());
        assertEquals(parameters, sd.keys().stream().mapToLong(k -> sd.info(k).numel()).sum(), sd.toString());
    }
}
