package unclip4j.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PilBicubicTest {
    private static RgbImage noise(int w, int h, long seed) {
        byte[] b = new byte[w * h * 3];
        new Random(seed).nextBytes(b);
        return new RgbImage(w, h, b);
    }

    @Test
    void sameSizeIsTheIdentity() {
        RgbImage img = noise(13, 7, 1);
        assertArrayEquals(img.rgb(), PilBicubic.resize(img, 13, 7).rgb());
    }

    @Test
    void constantImageStaysConstant() {
        byte[] b = new byte[40 * 30 * 3];
        java.util.Arrays.fill(b, (byte) 200);
        RgbImage out = PilBicubic.resize(new RgbImage(40, 30, b), 17, 53);
        for (byte v : out.rgb()) assertEquals(200, v & 0xff);
    }

    @Test
    void noisyUpAndDownscaleStayInRangeAndKeepSize() {
        RgbImage out = PilBicubic.resize(noise(31, 97, 2), 224, 224);
        assertEquals(224, out.width());
        assertEquals(224, out.height());
    }

    @Test
    void anImageTooLargeForAnArrayIsAnOverflowNotAWrappedSize() {
        // 224 × 3,300,000 × 3 bytes wraps an int to a negative size; callers bound sizes first (ClipImageTransform)
        RgbImage strip = new RgbImage(1, 3_300_000, new byte[3 * 3_300_000]);
        assertThrows(ArithmeticException.class, () -> PilBicubic.resize(strip, 224, 224));
    }
}
