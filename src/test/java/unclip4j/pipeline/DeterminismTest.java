package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.diffusion.SeededNoise;
import unclip4j.testing.Fixtures;

/**
 * A seed gives the same picture bit for bit, also within one JVM where the first run is partly
 * interpreted and later runs are JIT-compiled (the Vector API's EXP and lane reductions would
 * round differently between the two; the CPU backend avoids them).
 */
class DeterminismTest {

    @Test
    void sameSeedSameBitsRunAfterRun() {
        Backend backend = new CpuBackend();
        StageLoader loader = new StageLoader(Fixtures.modelDirectory(), backend);
        TextToImage t2i = new TextToImage(backend, new PromptEncoder(backend, loader.clipText(), 77), loader.prior(),
                loader.decoder(), loader.superRes());
        float[] first = null;
        for (int run = 0; run < 3; run++) {
            float[] image = t2i.run(List.of("a red cube on a table"), SamplingSettings.fast(), new SeededNoise(backend, 7), e -> {})
                    .image().toFloatArray();
            if (first == null) first = image;
            else assertArrayEquals(first, image, 0f, "run " + run + " differs from run 0");
        }
    }
}
