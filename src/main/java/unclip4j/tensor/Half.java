package unclip4j.tensor;

/** bfloat16 conversions (float16 ones are in java.lang.Float since JDK 20). */
public final class Half {
    private Half() {}

    /** float -> bfloat16 bits, round to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40); // quiet NaN
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** bfloat16 bits -> float: exact, bfloat16 is float's upper half. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
