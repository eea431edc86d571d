package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.RandomModel;
import unclip4j.cli.ModelOptions;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

class ImageDecoderTest {
    /**
     * The embedded decoder draws 16-pixel pictures, which the SR upscales to 64: an SR of eight levels halves
     * its input seven times and needs multiples of 128. Said when the pipeline is put together, not as an
     * odd-sized pooling error after the prior and the decoder ran.
     */
    @Test
    void anSrWithMoreLevelsThanTheDecodersPicturesHalveIntoIsRefusedBeforeSampling() {
        ModelDirectory tiny = ModelDirectory.open(ModelOptions.embeddedModel());
        UNetConfig decoder = tiny.decoder().config();
        assertEquals(16, decoder.imageSize());
        SrConfig deep = new SrConfig(32, 1, Collections.nCopies(8, 1), 0.0, tiny.sr().config().diffusion());
        CpuBackend backend = new CpuBackend();
        StageLoader loader = new StageLoader(new RandomModel(tiny.clip().config(), tiny.prior().config(), decoder, deep, 0), backend);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageDecoder(backend, loader.decoder(), loader.superRes()));
        assertTrue(e.getMessage().startsWith("the SR model cannot upscale the decoder's 16-pixel pictures: its U-Net takes 64-pixel ones (×4), "
                + "but a U-Net of 8 levels halves its input 7 times, so its sides must be multiples of 128, not 64 × 64"), e.getMessage());

        SrConfig fits = new SrConfig(32, 1, Collections.nCopies(7, 1), 0.0, tiny.sr().config().diffusion());
        StageLoader fitting = new StageLoader(new RandomModel(tiny.clip().config(), tiny.prior().config(), decoder, fits, 0), backend);
        assertDoesNotThrow(() -> new ImageDecoder(backend, fitting.decoder(), fitting.superRes()));
    }
}
