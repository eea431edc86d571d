package unclip4j.trace;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Equal-sized cells in rows and columns with a text label for every row (left) and column (top),
 * drawn with Graphics2D. The margins are fixed so the picture's size follows from the cells alone:
 * {@code LEFT + cols·cellWidth} by {@code TOP + rows·cellHeight}.
 */
public final class LabelledGrid {
    public static final int LEFT = 120;
    public static final int TOP = 22;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

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
        int cw = cells[0][0].getWidth(), ch = cells[0][0].getHeight();
        BufferedImage out = new BufferedImage(LEFT + colLabels.size() * cw, TOP + rowLabels.size() * ch, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(FONT);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        int baseline = (TOP + fm.getAscent() - fm.getDescent()) / 2;
        g.drawString(fit(corner, LEFT - 4, fm), 2, baseline);
        for (int c = 0; c < colLabels.size(); c++) {
            String label = fit(colLabels.get(c), cw - 2, fm);
            g.drawString(label, LEFT + c * cw + (cw - fm.stringWidth(label)) / 2, baseline);
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            g.drawString(fit(rowLabels.get(r), LEFT - 6, fm), 4, TOP + r * ch + (ch + fm.getAscent() - fm.getDescent()) / 2);
            for (int c = 0; c < colLabels.size(); c++) g.drawImage(cells[r][c], LEFT + c * cw, TOP + r * ch, null);
        }
        g.dispose();
        return out;
    }

    /** The label, cut to fit the width (a cut label ends in "…"). */
    private static String fit(String label, int width, FontMetrics fm) {
        if (fm.stringWidth(label) <= width) return label;
        String s = label;
        while (!s.isEmpty() && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
        return s + "…";
    }
}
