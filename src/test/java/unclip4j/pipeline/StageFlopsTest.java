package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/** FLOPs derived from the full-size configs equal spec §13 (given there to two decimals). */
class StageFlopsTest {
    private static final double G = 1e9;

    @Test
    void perForwardMatchesSpec() {
        assertEquals(13.30, StageFlops.clipText(ClipConfig.vitL14()) / G, 0.005);
        assertEquals(164.42, StageFlops.prior(PriorConfig.karloV1Alpha()) / G, 0.005);
        assertEquals(608.49, StageFlops.decoder(UNetConfig.karloV1Alpha()) / G, 0.005);
        assertEquals(8497.36, StageFlops.sr(SrConfig.karloV1Alpha(), 256) / G, 0.005);
    }

    @Test
    void fastGenerationTotalMatchesSpec() {
        double text = 2 * StageFlops.clipText(ClipConfig.vitL14());
        double prior = 25 * 2 * StageFlops.prior(PriorConfig.karloV1Alpha());
        double decoder = 25 * 2 * StageFlops.decoder(UNetConfig.karloV1Alpha());
        double sr = 7 * StageFlops.sr(SrConfig.karloV1Alpha(), 256);
        assertEquals(98.15, (text + prior + decoder + sr) / 1e12, 0.005);
    }
}
