package unclip4j.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG, JPEG, BMP, GIF and TIFF (first frame of either) files (javax.imageio) into 8-bit RGB the way Karlo's
 * {@code Image.open(path).convert("RGB")} sees them:
 * <ul>
 *   <li>stored samples are taken as they are, without colour management (PIL ignores ICC profiles);
 *   <li>grayscale → R = G = B; palette → palette colours;
 *   <li><b>alpha is dropped</b>, not composited (PIL's {@code convert("RGB")} drops it, so transparent
 *       pixels keep whatever colour they store);
 *   <li>16-bit samples keep their high byte (as PIL does for 16-bit RGB PNGs; PIL saturates 16-bit
 *       grayscale instead, which is not reproduced); 1-, 2- and 4-bit samples are scaled to 0..255.
 * </ul>
 * CMYK/YCCK JPEGs, which javax.imageio cannot decode, are refused with a message saying so. Other formats
 * javax.imageio knows are refused too: WBMP has no magic number, so any file starting with two zero bytes
 * would "decode" as one. Pictures above {@link #MAX_PIXELS} are refused from their header, before decoding.
 */
public final class Images {
    private Images() {}

    /**
     * Pillow's decompression-bomb limit: it warns above {@code Image.MAX_IMAGE_PIXELS} (2^30 / 4 / 3) and
     * refuses above twice that, as here. A few-kilobyte PNG can declare 100000 × 100000 pixels, which
     * would take 40 GB to decode; CLIP sees 224 × 224 anyway.
     */
    public static final long MAX_PIXELS = 2 * 89_478_485L;

    /** javax.imageio's names of the formats read (its TIFF reader calls itself "tif"). */
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif", "tif");

    /** The picture at path as 8-bit RGB; any unreadable, corrupt or unsupported file is an IOException naming it. */
    public static RgbImage read(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new IOException(path + ": is a directory, not an image file");
        if (Files.exists(path) && !Files.isRegularFile(path)) throw new IOException(path + ": not a regular file (a pipe or device?)");
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such image file");
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            ImageReader reader = readerFor(in, path);
            try {
                reader.setInput(in, true, true);
                long width, height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw cannotDecode(path, e);
                }
                if (width * height > MAX_PIXELS) {
                    throw new IOException(path + ": " + width + " × " + height + " pixels is above the limit of "
                            + MAX_PIXELS + " (Pillow's); scale the picture down first");
                }
                try {
                    img = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw cannotDecode(path, e);
                }
            } finally {
                reader.dispose();
            }
        }
        return toRgb(img, path.toString());
    }

    /** The first javax.imageio reader for in of one of our formats; any other file is an IOException naming it. */
    private static ImageReader readerFor(ImageInputStream in, Path path) throws IOException {
        if (in == null) throw new IOException(path + ": cannot open the file");
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) return reader;
        }
        throw new IOException(path + ": not a PNG, JPEG, BMP, GIF or TIFF image");
    }

    /** Corrupt data surfaces as IIOException or as runtime errors from the decoders. */
    private static IOException cannotDecode(Path path, Exception e) {
        String hint = String.valueOf(e.getMessage()).contains("Unsupported Image Type")
                ? " (the JPEG reader's answer to CMYK/YCCK JPEGs: convert the image to RGB first)" : "";
        return new IOException(path + ": cannot decode image: " + e.getMessage() + hint, e);
    }

    /** An 8-bit RGB copy of a decoded image (see the class comment for the conversion rules). */
    static RgbImage toRgb(BufferedImage img, String name) throws IOException {
        ColorModel cm = img.getColorModel();
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (cm instanceof IndexColorModel) {
            // palette entries are sRGB bytes already; getRGB only looks them up
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int o = (y * w + x) * 3;
                    rgb[o] = (byte) (argb >> 16);
                    rgb[o + 1] = (byte) (argb >> 8);
                    rgb[o + 2] = (byte) argb;
                }
            }
            return new RgbImage(w, h, rgb);
        }
        int csType = cm.getColorSpace().getType();
        if (csType != ColorSpace.TYPE_RGB && csType != ColorSpace.TYPE_GRAY) {
            throw new IOException(name + ": unsupported colour space (type " + csType + ", e.g. CMYK); convert the image to RGB first");
        }
        if (cm.isAlphaPremultiplied()) img.coerceData(false);
        // raw samples, read band by band: getRGB would colour-manage (it maps linear gray through a gamma curve)
        Raster r = img.getRaster();
        int colorBands = csType == ColorSpace.TYPE_GRAY ? 1 : 3;
        for (int c = 0; c < 3; c++) {
            int band = colorBands == 1 ? 0 : c;
            int bits = cm.getComponentSize(band);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[(y * w + x) * 3 + c] = (byte) to8Bit(r.getSample(x, y, band), bits);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static int to8Bit(int sample, int bits) {
        if (bits == 8) return sample;
        if (bits > 8) return sample >>> (bits - 8);
        return sample * 255 / ((1 << bits) - 1);
    }
}
