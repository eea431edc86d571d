package unclip4j.image;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} on 8-bit RGB, bit for bit (Pillow 9.4
 * {@code libImaging/Resample.c}; spec §4). Separable: horizontal pass first, then vertical, each pass
 * producing an 8-bit image. Per output index the taps are those of Keys' cubic (a = -0.5) with support
 * 2·max(scale, 1), cut at the border and renormalised, then turned into fixed point with 22 fraction
 * bits; a pixel is {@code clamp((2²¹ + Σ pixel·coefficient) >> 22, 0, 255)}. Doing the passes in float
 * instead differs by up to 20 levels on noisy images.
 */
public final class PilBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;

    private PilBicubic() {}

    /** The image resized to {@code outWidth × outHeight} (aspect ratio as given; no crop). */
    public static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) throw new IllegalArgumentException("target size must be positive: " + outWidth + "x" + outHeight);
        RgbImage img = src;
        // Pillow skips a pass whose axis keeps its size
        if (outWidth != img.width()) img = horizontal(img, coefficients(img.width(), outWidth));
        if (outHeight != img.height()) img = vertical(img, coefficients(img.height(), outHeight));
        return img;
    }

    /** Taps of one axis: output i reads inputs {@code [first[i], first[i] + weights[i].length)}. */
    private record Taps(int[] first, int[][] weights) {}

    /** Resample.c precompute_coeffs + normalize_coeffs_8bpc, keeping its double arithmetic in the same order. */
    private static Taps coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        double ss = 1.0 / filterScale;
        int[] first = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);      // (int) truncates toward zero, as the C cast
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[xmax - xmin];
            double sum = 0.0;
            for (int x = 0; x < w.length; x++) {
                w[x] = cubic((x + xmin - center + 0.5) * ss);
                sum += w[x];
            }
            int[] fixed = new int[w.length];
            for (int x = 0; x < w.length; x++) {
                double v = sum != 0.0 ? w[x] / sum : w[x];
                // round half away from zero into 22 fraction bits
                fixed[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[i] = xmin;
            weights[i] = fixed;
        }
        return new Taps(first, weights);
    }

    /** Resample.c bicubic_filter. */
    private static double cubic(double x) {
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * A;
        return 0.0;
    }

    private static RgbImage horizontal(RgbImage in, Taps taps) {
        int outW = taps.first().length, h = in.height();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(outW, h), 3)];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                int[] k = taps.weights()[x];
                int x0 = taps.first()[x];
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int j = 0; j < k.length; j++) acc += in.get(x0 + j, y, c) * k[j];
                    out[(y * outW + x) * 3 + c] = clip8(acc);
                }
            }
        }
        return new RgbImage(outW, h, out);
    }

    private static RgbImage vertical(RgbImage in, Taps taps) {
        int w = in.width(), outH = taps.first().length;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, outH), 3)];
        for (int y = 0; y < outH; y++) {
            int[] k = taps.weights()[y];
            int y0 = taps.first()[y];
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int j = 0; j < k.length; j++) acc += in.get(x, y0 + j, c) * k[j];
                    out[(y * w + x) * 3 + c] = clip8(acc);
                }
            }
        }
        return new RgbImage(w, outH, out);
    }

    private static byte clip8(int acc) {
        return (byte) Math.clamp(acc >> PRECISION_BITS, 0, 255);
    }
}
