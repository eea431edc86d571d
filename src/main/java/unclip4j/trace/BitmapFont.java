package unclip4j.trace;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A character-cell bitmap font read from a BDF file shipped with the code, for the labels of
 * {@link LabelledGrid}. Labels are drawn pixel by pixel rather than through AWT's fonts for two
 * reasons: the pixels are the same on every machine (a redone sweep compares bit for bit), and
 * nothing depends on the system's fonts, which headless servers often lack (AWT then fails with
 * "Fontconfig head is null" after the whole run).
 *
 * <p>The font is X11's misc-fixed 6×13 (ISO 10646, about 4100 characters; public domain), see
 * {@code src/main/resources/unclip4j/fonts/README.md}. Combining marks (the hat of x̂) are drawn
 * over the character before them, as terminals draw this font.
 */
public final class BitmapFont {
    private static final String FIXED_6X13 = "/unclip4j/fonts/6x13.bdf.gz";
    private static BitmapFont fixed;

    private final int width, height, ascent;
    private final Map<Integer, int[]> glyphs; // code point → one int per pixel row, its leftmost pixel in bit width - 1
    private final int[] fallback;             // DEFAULT_CHAR: for code points the font lacks

    private BitmapFont(int width, int height, int ascent, Map<Integer, int[]> glyphs, int defaultChar) {
        this.width = width;
        this.height = height;
        this.ascent = ascent;
        this.glyphs = glyphs;
        this.fallback = glyphs.get(defaultChar);
        if (fallback == null) throw new IllegalStateException("the font has no glyph for its DEFAULT_CHAR " + defaultChar);
    }

    /** misc-fixed 6×13, loaded on first use. */
    public static synchronized BitmapFont fixed6x13() {
        if (fixed == null) fixed = load(FIXED_6X13);
        return fixed;
    }

    /** Pixels from the top of a line of text to its baseline. */
    public int ascent() {
        return ascent;
    }

    /** Pixels per line of text. */
    public int height() {
        return height;
    }

    /** The width of text in pixels: one cell per character; a combining mark shares the cell before it. */
    public int width(String text) {
        int cells = 0;
        for (int c : text.codePoints().toArray()) if (startsCell(c, cells)) cells++;
        return cells * width;
    }

    /** Draws text in colour rgb with its top-left corner at (x, top); pixels outside the image are left out. */
    public void draw(BufferedImage image, String text, int x, int top, int rgb) {
        int cells = 0;
        for (int c : text.codePoints().toArray()) {
            if (startsCell(c, cells)) cells++;
            int cell = x + (cells - 1) * width;
            int[] rows = glyphs.getOrDefault(c, fallback);
            for (int r = 0; r < height; r++) {
                for (int col = 0; col < width; col++) {
                    int px = cell + col, py = top + r;
                    boolean on = (rows[r] >>> (width - 1 - col) & 1) != 0;
                    if (on && px >= 0 && py >= 0 && px < image.getWidth() && py < image.getHeight()) image.setRGB(px, py, rgb);
                }
            }
        }
    }

    /** Whether c takes a cell of its own: all but combining marks that follow a character (the hat of x̂). */
    private static boolean startsCell(int c, int cellsSoFar) {
        int type = Character.getType(c);
        return cellsSoFar == 0 || (type != Character.NON_SPACING_MARK && type != Character.ENCLOSING_MARK);
    }

    /**
     * Reads a character-cell BDF font (every glyph the size of FONTBOUNDINGBOX, as misc-fixed's are):
     * ENCODING names the code point, BITMAP gives one hexadecimal row per pixel row, left-aligned.
     */
    static BitmapFont load(String resource) {
        try (InputStream raw = BitmapFont.class.getResourceAsStream(resource)) {
            if (raw == null) throw new IllegalStateException("the font " + resource + " is missing from the build");
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            int width = 0, height = 0, ascent = -1, defaultChar = -1, code = -1;
            String box = null;
            Map<Integer, int[]> glyphs = new HashMap<>();
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "FONTBOUNDINGBOX" -> {
                        width = Integer.parseInt(f[1]);
                        height = Integer.parseInt(f[2]);
                        box = line.substring("FONTBOUNDINGBOX ".length());
                        if (width > 31) throw new IllegalStateException(resource + ": glyphs wider than 31 pixels are not supported");
                    }
                    case "FONT_ASCENT" -> ascent = Integer.parseInt(f[1]);
                    case "DEFAULT_CHAR" -> defaultChar = Integer.parseInt(f[1]);
                    case "ENCODING" -> code = Integer.parseInt(f[1]);
                    case "BBX" -> {
                        if (!line.substring("BBX ".length()).equals(box)) {
                            throw new IllegalStateException(resource + ": glyph " + code + " is not a character cell (" + line + ", font " + box + ")");
                        }
                    }
                    case "BITMAP" -> {
                        int[] rows = new int[height];
                        for (int r = 0; r < height; r++) {
                            String hex = in.readLine().strip();
                            rows[r] = (int) (Long.parseLong(hex, 16) >>> (4 * hex.length() - width));
                        }
                        glyphs.put(code, rows);
                    }
                    default -> { } // properties and metrics that a character-cell font does not need
                }
            }
            if (ascent < 0) throw new IllegalStateException(resource + " has no FONT_ASCENT");
            return new BitmapFont(width, height, ascent, glyphs, defaultChar);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the font " + resource + ": " + e.getMessage(), e);
        }
    }
}
