package unclip4j.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import unclip4j.tensor.Tensor;

/** Pipeline outputs ({@code [N, 3, H, W]} in [0, 1]) as 8-bit pictures, grids and PNG bytes. */
public final class OutputImages {
    private OutputImages() {}

    /**
     * Image n of the batch as Karlo's {@code example.py} makes bytes: {@code (img·255).type(uint8)},
     * i.e. truncation, not rounding (diffusers rounds, which is one level brighter on many pixels).
     */
    public static RgbImage toRgb(Tensor images, int n) {
        int h = images.dim(2), w = images.dim(3);
        Tensor img = images.select(0, n);
        byte[] rgb = new byte[h * w * 3];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = img.getFloat(c, y, x);
                    rgb[(y * w + x) * 3 + c] = (byte) (int) (Math.clamp(v, 0f, 1f) * 255f);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Pictures of one size side by side, {@code columns} per row, filled row by row. */
    public static RgbImage grid(List<RgbImage> images, int columns) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images for a grid");
        int w = images.getFirst().width(), h = images.getFirst().height();
        int cols = Math.min(columns, images.size()), rows = (images.size() + columns - 1) / columns;
        int gw = cols * w;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(gw, rows * h), 3)];
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            if (img.width() != w || img.height() != h) throw new IllegalArgumentException("grid images differ in size");
            int left = (i % columns) * w, top = (i / columns) * h;
            for (int y = 0; y < h; y++) System.arraycopy(img.rgb(), y * w * 3, out, ((top + y) * gw + left) * 3, w * 3);
        }
        return new RgbImage(gw, rows * h, out);
    }

    public static byte[] png(RgbImage image) {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                b.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        return png(b);
    }

    /**
     * The PNG bytes of a picture, for writers that put files in place atomically. Encoded through a
     * memory cache: {@code ImageIO.write} to a plain stream buffers in a file under java.io.tmpdir,
     * and fails when that folder is missing or not writable.
     */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java installation");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
