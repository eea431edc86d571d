package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import unclip4j.checkpoint.RandomModel;
import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

class StageLoaderTest {
    /** The diffusers Karlo folder ships CLIP's text encoder only: embedding a picture says that, not "resolution must be positive: 0". */
    @Test
    void picturesNeedAnImageEncoderAndSaySo() {
        ClipConfig vit = ClipConfig.vitL14();
        ClipConfig textOnly = new ClipConfig(vit.embedDim(), 0, 0, 0, 0, vit.contextLength(), vit.vocabSize(), vit.textWidth(),
                vit.textHeads(), vit.textLayers());
        RandomModel model = new RandomModel(textOnly, PriorConfig.karloV1Alpha(), UNetConfig.karloV1Alpha(), SrConfig.karloV1Alpha(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StageLoader.imageEncoderConfig(model));
        assertTrue(e.getMessage().startsWith("random clip (seed 0) has no CLIP image encoder"), e.getMessage());
        assertEquals(vit, StageLoader.imageEncoderConfig(RandomModel.karloV1Alpha(0)));
    }
}
