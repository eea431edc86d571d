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
    // 1/3, 1/5, ..., 1/19: the series of atanh(s)/s − 1 in powers of s²
    private static final double A3 = 0x1.5555555555555p-2, A5 = 0x1.999999999999ap-3, A7 = 0x1.2492492492492p-3,
            A9 = 0x1.c71c71c71c71cp-4, A11 = 0x1.745d1745d1746p-4, A13 = 0x1.3b13b13b13b14p-4, A15 = 0x1.1111111111111p-4,
            A17 = 0x1.e1e1e1e1e1e1ep-5, A19 = 0x1.af286bca1af28p-5;
    // (−1)^k / (2k+1)! for k = 1..8 and (−1)^k / (2k)! for k = 2..8
    private static final double S3 = -0x1.5555555555555p-3, S5 = 0x1.1111111111111p-7, S7 = -0x1.a01a01a01a01ap-13,
            S9 = 0x1.71de3a556c734p-19, S11 = -0x1.ae64567f544e4p-26, S13 = 0x1.6124613a86d09p-33,
            S15 = -0x1.ae7f3e733b81fp-41, S17 = 0x1.952c77030ad4ap-49;
    private static final double C4 = 0x1.5555555555555p-5, C6 = -0x1.6c16c16c16c17p-10, C8 = 0x1.a01a01a01a01ap-16,
            C10 = -0x1.27e4fb7789f5cp-22, C12 = 0x1.1eed8eff8d898p-29, C14 = -0x1.93974a8c07c9dp-37, C16 = 0x1.ae7f3e733b81fp-45;

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
        double p = A19;
        p = p * z + A17;
        p = p * z + A15;
        p = p * z + A13;
        p = p * z + A11;
        p = p * z + A9;
        p = p * z + A7;
        p = p * z + A5;
        p = p * z + A3;
        double logm = 2.0 * s + 2.0 * s * (z * p);
        double ed = e;
        return ed * LN2_HI + (ed * LN2_LO + logm);
    }

    /** sin θ (index 0) and cos θ (index 1). */
    public static double[] sinCos(double theta) {
        double kd = Math.rint(theta * TWO_OVER_PI);
        double r = theta - kd * PIO2_1;
        r = r - kd * PIO2_2;
        r = r - kd * PIO2_3;
        double z = r * r;
        double ps = S17;
        ps = ps * z + S15;
        ps = ps * z + S13;
        ps = ps * z + S11;
        ps = ps * z + S9;
        ps = ps * z + S7;
        ps = ps * z + S5;
        ps = ps * z + S3;
        double sin = r + r * (z * ps);
        double pc = C16;
        pc = pc * z + C14;
        pc = pc * z + C12;
        pc = pc * z + C10;
        pc = pc * z + C8;
        pc = pc * z + C6;
        pc = pc * z + C4;
        double cos = (1.0 - 0.5 * z) + (z * z) * pc;
        return switch ((int) kd & 3) {
            case 0 -> new double[] {sin, cos};
            case 1 -> new double[] {cos, -sin};
            case 2 -> new double[] {-sin, -cos};
            default -> new double[] {-cos, sin};
        };
    }
}
