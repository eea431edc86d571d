package unclip4j.backend;

/**
 * log, sin and cos for the Box–Muller step of {@link Philox}, in plain double arithmetic (+, −, ×, ÷,
 * each correctly rounded) with a fixed order of operations, written the same way in
 * {@code kernels/portable_math.cuh}: the CPU and the GPU then draw bit-identical normals, which
 * library functions (fdlibm's here, CUDA's there, each within an ulp or two) do not give.
 *
 * <p>log: x = m·2^e with m in (√½, √2], log m = 2·atanh(s) for s = (m − 1)/(m + 1) by its series up
 * to s^19 (|s| ≤ 0.172), plus e·ln 2 split in two (Cody–Waite). sin and cos: θ reduced by the nearest
 * multiple k of π/2 with π/2 split in three, Taylor series to degree 17 and 16 on [−π/4, π/4], then
 * the quadrant k mod 4. Accuracy: a few ulps of a double, far below the float the normals become.
 * Valid for what Box–Muller feeds them: log of (0, 1], sin and cos of [0, 2π].
 */
public final class PortableMath {
    private static final double SQRT2 = 0x1.6a09e667f3bcdp+0;
    private static final double LN2_HI = 0x1.62e42fee00000p-1, LN2_LO = 0x1.a39ef35793c76p-33; // ln 2 = HI + LO, HI with 32 bits
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    // π/2 = PIO2_1 + PIO2_2 + PIO2_3; the first two with 33 bits, so k·PIO2_i is exact for small k
    private static final double PIO2_1 = 0x1.921fb54400000p+0, PIO2_2 = 0x1.0b4611a600000p-34, PIO2_3 = 0x1.3198a2e037073p-69;
    // Series coefficients, highest power first (evaluated by Horner in z = s² or r²):
    // atanh(s)/s − 1 = Σ z^k/(2k+1), k = 9..1
    private static final double[] LOG_SERIES = {0x1.af286bca1af28p-5, 0x1.e1e1e1e1e1e1ep-5, 0x1.1111111111111p-4,
            0x1.3b13b13b13b14p-4, 0x1.745d1745d1746p-4, 0x1.c71c71c71c71cp-4, 0x1.2492492492492p-3, 0x1.999999999999ap-3,
            0x1.5555555555555p-2};
    // (sin r − r)/r³ = Σ (−1)^k z^(k−1)/(2k+1)!, k = 8..1
    private static final double[] SIN_SERIES = {0x1.952c77030ad4ap-49, -0x1.ae7f3e733b81fp-41, 0x1.6124613a86d09p-33,
            -0x1.ae64567f544e4p-26, 0x1.71de3a556c734p-19, -0x1.a01a01a01a01ap-13, 0x1.1111111111111p-7, -0x1.5555555555555p-3};
    // (cos r − 1 + r²/2)/r⁴ = Σ (−1)^k z^(k−2)/(2k)!, k = 8..2
    private static final double[] COS_SERIES = {0x1.ae7f3e733b81fp-45, -0x1.93974a8c07c9dp-37, 0x1.1eed8eff8d898p-29,
            -0x1.27e4fb7789f5cp-22, 0x1.a01a01a01a01ap-16, -0x1.6c16c16c16c17p-10, 0x1.5555555555555p-5};

    private PortableMath() {}

    /** Natural logarithm of a positive normal double. */
    public static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) ((bits >>> 52) & 0x7ff) - 1023;
        double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L); // [1, 2)
        if (m > SQRT2) {
            m = m * 0.5;
            e = e + 1;
        }
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double logm = 2.0 * s + 2.0 * s * (z * horner(z, LOG_SERIES));
        double ed = e;
        return ed * LN2_HI + (ed * LN2_LO + logm);
    }

    /** Writes cos θ to {@code out[at]} and sin θ to {@code out[at + 1]} (Box–Muller's order; no allocation per call). */
    public static void cosSin(double theta, double[] out, int at) {
        double kd = Math.rint(theta * TWO_OVER_PI);
        double r = theta - kd * PIO2_1;
        r = r - kd * PIO2_2;
        r = r - kd * PIO2_3;
        double z = r * r;
        double sin = r + r * (z * horner(z, SIN_SERIES));
        double cos = (1.0 - 0.5 * z) + (z * z) * horner(z, COS_SERIES);
        switch ((int) kd & 3) {
            case 0 -> { out[at] = cos; out[at + 1] = sin; }
            case 1 -> { out[at] = -sin; out[at + 1] = cos; }
            case 2 -> { out[at] = -cos; out[at + 1] = -sin; }
            default -> { out[at] = sin; out[at + 1] = -cos; }
        }
    }

    /** c[0]·z^(n−1) + … + c[n−1], as ((c[0]·z + c[1])·z + …): the order the CUDA header keeps too. */
    private static double horner(double z, double[] c) {
        double p = c[0];
        for (int i = 1; i < c.length; i++) p = p * z + c[i];
        return p;
    }
}
