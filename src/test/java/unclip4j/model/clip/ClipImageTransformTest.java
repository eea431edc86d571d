package unclip4j.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import unclip4j.image.PilBicubic;
import unclip4j.image.RgbImage;
import unclip4j.tensor.Tensor;

class ClipImageTransformTest {
    private static RgbImage noise(int w, int h) {
        byte[] b = new byte[w * h * 3];
        new Random(7).nextBytes(b);
        return new RgbImage(w, h, b);
    }

    @Test
    void centreCropPolicyResizesTheShortSideThenCropsTheMiddle() {
        RgbImage wide = noise(320, 180);
        ClipImageTransform t = new ClipImageTransform(224, ClipImageTransform.Resize.SHORT_SIDE_CENTER_CROP);
        // short side 180 → 224, long side int(224·320/180) = 398; crop offset (398 - 224) / 2 = 87
        assertArrayEquals(PilBicubic.resize(wide, 398, 224).crop(87, 0, 224, 224).rgb(), t.resize(wide).rgb());

        RgbImage tall = noise(100, 203);
        // long side int(224·203/100) = 454; crop offset (454 - 224) / 2 = 115
        assertArrayEquals(PilBicubic.resize(tall, 224, 454).crop(0, 115, 224, 224).rgb(), t.resize(tall).rgb());
    }

    @Test
    void squashPolicyIgnoresTheAspectRatio() {
        RgbImage wide = noise(320, 180);
        assertArrayEquals(PilBicubic.resize(wide, 224, 224).rgb(), ClipImageTransform.karlo(224).resize(wide).rgb());
    }

    @Test
    void pixelsAreScaledThenNormalisedPerChannelInNchw() {
        RgbImage img = new RgbImage(1, 1, new byte[] {(byte) 255, 0, (byte) 128});
        Tensor p = ClipImageTransform.karlo(1).apply(img, img);
        assertArrayEquals(new long[] {2, 3, 1, 1}, p.shape());
        assertEquals((1f - 0.48145466f) / 0.26862954f, p.getFloat(1, 0, 0, 0));
        assertEquals((0f - 0.4578275f) / 0.26130258f, p.getFloat(1, 1, 0, 0));
        assertEquals((128 / 255f - 0.40821073f) / 0.27577711f, p.getFloat(1, 2, 0, 0));
    }

    /** A black picture: only its size matters. */
    private static RgbImage strip(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    @Test
    void picturesTooFarFromSquareAreRefusedBeforeTheResizeNamingTheirSize() {
        ClipImageTransform squash = ClipImageTransform.karlo(224);
        ClipImageTransform crop = new ClipImageTransform(224, ClipImageTransform.Resize.SHORT_SIDE_CENTER_CROP);
        // squashing: the horizontal pass makes a 224 × height image; 224 · 798915 is the last under the limit
        squash.requireResizable(strip(1, 798_915), "ok.png");
        assertThrows(IllegalArgumentException.class, () -> squash.requireResizable(strip(1, 798_916), "tall.png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> squash.resize(strip(1, 3_300_000)));
        assertEquals("the picture (1 × 3300000 pixels) is too far from square: squashing it to 224 × 224 needs a 224 × 3300000 image, "
                + "above the limit of 178956970 pixels; crop it to a less extreme aspect ratio first", e.getMessage());
        // short side to 224: the output is 224 × 224·height (past an int's range at 1 × 89M)
        crop.requireResizable(strip(1, 3566), "ok.png");
        assertThrows(IllegalArgumentException.class, () -> crop.requireResizable(strip(1, 3567), "tall.png"));
        e = assertThrows(IllegalArgumentException.class, () -> crop.requireResizable(strip(400_000, 1), "wide.png"));
        assertEquals("wide.png (400000 × 1 pixels) is too far from square: scaling its short side to 224 needs a 89600000 × 224 image, "
                + "above the limit of 178956970 pixels; crop it to a less extreme aspect ratio first", e.getMessage());
    }
}
