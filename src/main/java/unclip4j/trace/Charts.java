package unclip4j.trace;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * XChart line charts saved as PNG, in one style for every figure. XChart writes titles and ticks with
 * AWT's fonts, which come from the system: on a machine with none (many headless servers) commands
 * ask {@link #unavailable()} first instead of failing when the chart is drawn.
 */
public final class Charts {
    public static final int WIDTH = 640, HEIGHT = 440;
    private static Optional<String> unavailable;

    private Charts() {}

    /**
     * Why charts cannot be drawn on this machine (AWT finds no font to write their text with), or
     * empty when they can. Found out once, by measuring a string as XChart will.
     */
    public static synchronized Optional<String> unavailable() {
        if (unavailable == null) {
            try {
                new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).stringWidth("0");
                unavailable = Optional.empty();
            } catch (RuntimeException | Error e) { // AWT's font manager throws a RuntimeException or an Error when it finds no fonts
                if (e instanceof VirtualMachineError vm) throw vm;
                unavailable = Optional.of("charts need a font and Java finds none on this machine (" + e.getMessage()
                        + "); install one, e.g. the fonts-dejavu-core package");
            }
        }
        return unavailable;
    }

    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setXAxisTickMarkSpacingHint(160);
        chart.getStyler().setXAxisDecimalPattern("#");
        return chart;
    }

    /** Draws the chart and writes it as every picture is written (whole or not at all, no cache file in java.io.tmpdir). */
    public static Path savePng(XYChart chart, Path file) {
        return ImageWriters.writePng(BitmapEncoder.getBufferedImage(chart), file);
    }
}
