package unclip4j.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class BitmapFontTest {
    private static final BitmapFont FONT = BitmapFont.fixed6x13();
    private static final int INK = 0x000000, PAPER = 0xffffff;

    /** misc-fixed 6x13's BDF rows, copied from the font file (each byte: the cell's 6 pixels, left-aligned). */
    private static final int[] X = {0x00, 0x00, 0x00, 0x00, 0x00, 0x88, 0x50, 0x20, 0x20, 0x50, 0x88, 0x00, 0x00};
    private static final int[] ZERO = {0x00, 0x00, 0x20, 0x50, 0x88, 0x88, 0x88, 0x88, 0x88, 0x50, 0x20, 0x00, 0x00};
    private static final int[] HAT = {0x00, 0x30, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}; // U+0302
    private static final int[] DEFAULT_CHAR = {0x00, 0x00, 0xA8, 0x00, 0x88, 0x00, 0x88, 0x00, 0x88, 0x00, 0xA8, 0x00, 0x00};

    @Test
    void cellsAreSixByThirteenWithCombiningMarksSharingTheCellBeforeThem() {
        assertEquals(13, FONT.height());
        assertEquals(11, FONT.ascent());
        assertEquals(18, FONT.width("abc"));
        assertEquals(12, FONT.width("x\u03020"), "x̂0: the hat rides on the x");
        assertEquals(6, FONT.width("\u0302"), "a mark with nothing before it takes a cell");
        assertEquals(0, FONT.width(""));
    }

    @Test
    void glyphsArePaintedPixelForPixelFromTheFont() {
        assertArrayEquals(cells(List.of(X), 2), ink(draw("x", 2, 1), 1));
        assertArrayEquals(cells(List.of(or(X, HAT), ZERO), 0), ink(draw("x\u03020", 0, 0), 0));
        // a character the font lacks (an emoji, outside the Basic Multilingual Plane) is its DEFAULT_CHAR box
        assertArrayEquals(cells(List.of(DEFAULT_CHAR), 0), ink(draw("\uD83D\uDE00", 0, 0), 0));
    }

    @Test
    void textPastTheImageEdgeIsCutNotAnError() {
        BufferedImage image = blank(8, 8);
        FONT.draw(image, "xx", 4, -3, INK);
        FONT.draw(image, "x", -5, 0, INK);
        assertEquals(INK, image.getRGB(4, 2) & 0xffffff, "row 5 of the first x, drawn from row -3");
    }

    private static BufferedImage draw(String text, int x, int top) {
        BufferedImage image = blank(6 * 3 + x, 13 + top);
        FONT.draw(image, text, x, top, INK);
        return image;
    }

    private static BufferedImage blank(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, PAPER);
        return image;
    }

    private static int[] or(int[] a, int[] b) {
        int[] c = new int[a.length];
        for (int i = 0; i < a.length; i++) c[i] = a[i] | b[i];
        return c;
    }

    /** The expected image, a row of cells starting at x0, as 0/1 per pixel of the whole image width. */
    private static int[] cells(List<int[]> glyphs, int x0) {
        int w = 6 * 3 + x0;
        int[] out = new int[w * 13];
        for (int g = 0; g < glyphs.size(); g++) {
            for (int r = 0; r < 13; r++) for (int c = 0; c < 6; c++) out[r * w + x0 + 6 * g + c] = glyphs.get(g)[r] >> (7 - c) & 1;
        }
        return out;
    }

    /** 0/1 per pixel (1 = ink) of the 13 rows from top, across the image's width. */
    private static int[] ink(BufferedImage image, int top) {
        int w = image.getWidth();
        int[] out = new int[w * 13];
        for (int r = 0; r < 13; r++) for (int x = 0; x < w; x++) out[r * w + x] = (image.getRGB(x, top + r) & 0xffffff) == INK ? 1 : 0;
        return out;
    }
}
