package unclip4j.trace;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Equal-sized cells in rows and columns with a text label for every row (left) and column (top),
 * in the shipped {@link BitmapFont} (the same pixels on every machine, no system fonts needed).
 * The margins are fixed so the picture's size follows from the cells alone:
 * {@code LEFT + cols·cellWidth} by {@code TOP + rows·cellHeight}.
 */
public final class LabelledGrid {
    public static final int LEFT = 120;
    public static final int TOP = 22;
    private static final int BLACK = 0x000000;

    private LabelledGrid() {}

    /**
     * @param corner text for the top-left corner (what the axes are), may be empty
     * @param cells  cells[row][col], all of the size of cells[0][0]
     */
    public static BufferedImage render(String corner, List<String> rowLabels, List<String> colLabels, BufferedImage[][] cells) {
        if (cells.length != rowLabels.size() || cells[0].length != colLabels.size()) {
            throw new IllegalArgumentException(cells.length + "×" + cells[0].length + " cells for " + rowLabels.size() + " row and "
                    + colLabels.size() + " column labels");
        }
        BitmapFont font = BitmapFont.fixed6x13();
        int cw = cells[0][0].getWidth(), ch = cells[0][0].getHeight();
        BufferedImage out = new BufferedImage(LEFT + colLabels.size() * cw, TOP + rowLabels.size() * ch, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int top = (TOP - font.height()) / 2;
        font.draw(out, fit(corner, LEFT - 4, font), 2, top, BLACK);
        for (int c = 0; c < colLabels.size(); c++) {
            String label = fit(colLabels.get(c), cw - 2, font);
            font.draw(out, label, LEFT + c * cw + (cw - font.width(label)) / 2, top, BLACK);
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            font.draw(out, fit(rowLabels.get(r), LEFT - 6, font), 4, TOP + r * ch + (ch - font.height()) / 2, BLACK);
            for (int c = 0; c < colLabels.size(); c++) g.drawImage(cells[r][c], LEFT + c * cw, TOP + r * ch, null);
        }
        g.dispose();
        return out;
    }

    /** The label, cut to fit the width (a cut label ends in "…"). */
    private static String fit(String label, int width, BitmapFont font) {
        if (font.width(label) <= width) return label;
        String s = label;
        while (!s.isEmpty() && font.width(s + "…") > width) s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
        return s + "…";
    }
}
