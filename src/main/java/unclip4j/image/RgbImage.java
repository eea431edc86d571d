package unclip4j.image;

/**
 * An 8-bit RGB picture, interleaved row-major {@code rgb[(y·width + x)·3 + c]} (PIL's "RGB" mode,
 * the layout of {@code np.array(pil_image)}).
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
            throw new IllegalArgumentException(rgb.length + " bytes for a " + width + "x" + height + " RGB image");
        }
    }

    /** Channel c (0 = R) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** The {@code w×h} region whose top-left corner is (left, top). */
    public RgbImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + left + "+" + top + " outside " + width + "x" + height);
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
        return new RgbImage(w, h, out);
    }
}
