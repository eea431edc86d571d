package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code clip_image}: Karlo's preprocessing of input.png, then the CLIP image encoder. */
class ClipImageParityTest {
    private static final SafetensorsFile CASE = SafetensorsFile.open(Fixtures.file("clip_image.safetensors"));

    @Test
    void karloPreprocessingMatchesPillowBitForBit() throws IOException {
        RgbImage input = Images.read(Fixtures.file("input.png"));
        ClipImageTransform transform = ClipImageTransform.karlo(224);
        assertArrayEquals(CASE.get("resized_u8").toLongArray(), transform.resize(input).toTensor().toLongArray(), "resized_u8");
        double err = Fixtures.assertRelL2(transform.apply(input), CASE.get("pixels"), 1e-6, "pixels");
        System.out.printf("clip_image.pixels relL2 %.3g%n", err);
    }
}
