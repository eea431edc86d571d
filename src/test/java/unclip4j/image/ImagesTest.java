package unclip4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.Fixtures;

class ImagesTest {
    @TempDir
    Path dir;

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, p.toFile()), "no " + format + " writer for " + img.getType());
        return p;
    }

    @Test
    void readsTheFixturePicture() throws IOException {
        RgbImage img = Images.read(Fixtures.file("input.png"));
        assertTrue(img.width() > 0 && img.height() > 0);
    }

    @Test
    void rgbPngBmpAndTiffRoundTripExactly() throws IOException {
        BufferedImage src = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0x123456);
        src.setRGB(4, 2, 0xfedcba);
        for (String fmt : new String[] {"png", "bmp", "tiff"}) {
            RgbImage img = Images.read(write(src, fmt, "rgb." + fmt));
            assertEquals(0x12, img.get(0, 0, 0));
            assertEquals(0x34, img.get(0, 0, 1));
            assertEquals(0x56, img.get(0, 0, 2));
            assertEquals(0xba, img.get(4, 2, 2));
        }
    }

    @Test
    void grayscaleIsCopiedToAllChannelsWithoutGamma() throws IOException {
        BufferedImage src = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        src.getRaster().setSample(0, 0, 0, 128);
        src.getRaster().setSample(1, 0, 0, 37);
        RgbImage img = Images.read(write(src, "png", "gray.png"));
        for (int c = 0; c < 3; c++) {
            assertEquals(128, img.get(0, 0, c));
            assertEquals(37, img.get(1, 0, c));
        }
    }

    @Test
    void sixteenBitGrayKeepsTheHighByte() throws IOException {
        BufferedImage src = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        src.getRaster().setSample(0, 0, 0, 0xabcd);
        RgbImage img = Images.read(write(src, "png", "gray16.png"));
        assertEquals(0xab, img.get(0, 0, 1));
    }

    @Test
    void paletteUsesThePaletteColours() throws IOException {
        byte[] r = {10, 20}, g = {30, 40}, b = {50, 60};
        BufferedImage src = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        src.getRaster().setSample(1, 0, 0, 1);
        RgbImage img = Images.read(write(src, "png", "palette.png"));
        assertEquals(10, img.get(0, 0, 0));
        assertEquals(60, img.get(1, 0, 2));
    }

    @Test
    void alphaIsDroppedNotComposited() throws IOException {
        BufferedImage src = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        src.setRGB(0, 0, 0x00204060); // fully transparent, colour kept (PIL convert("RGB") behaviour)
        RgbImage img = Images.read(write(src, "png", "alpha.png"));
        assertEquals(0x20, img.get(0, 0, 0));
        assertEquals(0x40, img.get(0, 0, 1));
        assertEquals(0x60, img.get(0, 0, 2));
    }

    @Test
    void jpegDecodes() throws IOException {
        BufferedImage src = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster ras = src.getRaster();
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) ras.setPixel(x, y, new int[] {200, 100, 50});
        RgbImage img = Images.read(write(src, "jpg", "rgb.jpg"));
        assertTrue(Math.abs(img.get(8, 8, 0) - 200) < 8 && Math.abs(img.get(8, 8, 2) - 50) < 8);
    }

    @Test
    void corruptAndMissingFilesGiveOneClearError() throws IOException {
        Path junk = dir.resolve("junk.png");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        IOException e = assertThrows(IOException.class, () -> Images.read(junk));
        assertTrue(e.getMessage().contains("junk.png"), e.getMessage());

        Path truncated = dir.resolve("truncated.png");
        byte[] png = Files.readAllBytes(Fixtures.file("input.png"));
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 3));
        IOException t = assertThrows(IOException.class, () -> Images.read(truncated));
        assertTrue(t.getMessage().contains("truncated.png"), t.getMessage());

        assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("absent.png")));
    }

    /** An 8×6 CMYK JPEG written by Pillow 9.4 (Adobe APP14 marker): javax.imageio cannot decode it. */
    @Test
    void cmykJpegIsRefusedWithOneClearLine() throws Exception {
        Path cmyk = Path.of(ImagesTest.class.getResource("/images/cmyk-8x6.jpg").toURI());
        IOException e = assertThrows(IOException.class, () -> Images.read(cmyk));
        assertTrue(e.getMessage().contains("cmyk-8x6.jpg") && e.getMessage().contains("CMYK"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aDirectoryOrAPipeIsNamedForWhatItIs() throws Exception {
        IOException folder = assertThrows(IOException.class, () -> Images.read(dir));
        assertTrue(folder.getMessage().contains("is a directory"), folder.getMessage());
        Path fifo = unclip4j.testing.NamedPipe.create(dir.resolve("pipe.png"));
        IOException pipe = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(IOException.class, () -> Images.read(fifo)));
        assertTrue(pipe.getMessage().contains("not a regular file"), pipe.getMessage());
    }

    /** A 100000 × 100000 PNG of a few hundred bytes: refused from its header, not decoded into 40 GB. */
    @Test
    void aDecompressionBombIsRefusedFromItsHeader() throws Exception {
        Path png = write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", "bomb.png");
        byte[] bytes = Files.readAllBytes(png);
        // IHDR: 8-byte signature, length, "IHDR", width, height, ..., CRC over type and data
        java.nio.ByteBuffer.wrap(bytes).putInt(16, 100_000).putInt(20, 100_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 12, 17);
        java.nio.ByteBuffer.wrap(bytes).putInt(29, (int) crc.getValue());
        Files.write(png, bytes);
        IOException e = assertThrows(IOException.class, () -> Images.read(png));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("100000 × 100000 pixels is above the limit"),
                e.getMessage());
    }

    /** javax.imageio takes any file starting with two zero bytes for a WBMP picture; we take no WBMP. */
    @Test
    void formatsOutsidePngJpegBmpGifTiffAreRefused() throws IOException {
        Path zeros = dir.resolve("zeros.dat");
        Files.write(zeros, new byte[] {0, 0, 4, 4, 0, 0, 0, 0});
        assertTrue(ImageIO.read(zeros.toFile()) != null, "precondition: javax.imageio decodes these bytes as WBMP");
        IOException e = assertThrows(IOException.class, () -> Images.read(zeros));
        assertTrue(e.getMessage().contains("not a PNG, JPEG, BMP, GIF or TIFF image"), e.getMessage());
    }

    @Test
    void gifDecodesItsPaletteColours() throws IOException {
        byte[] r = {(byte) 255, 0}, g = {0, 0}, b = {0, (byte) 255};
        // 16 × 16: a 3 × 2 picture does not survive the JDK's own GIF write and read
        BufferedImage src = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        src.getRaster().setSample(2, 1, 0, 1);
        RgbImage img = Images.read(write(src, "gif", "palette.gif"));
        assertEquals(255, img.get(0, 0, 0));
        assertEquals(0, img.get(0, 0, 2));
        assertEquals(255, img.get(2, 1, 2));
        assertEquals(0, img.get(2, 1, 0));
    }
}
