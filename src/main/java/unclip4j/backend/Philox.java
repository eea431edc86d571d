package unclip4j.backend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one definition of {@code randn} shared by every backend: counter-based Philox4x32-10
 * (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011) followed by
 * Box-Muller. A GPU kernel must reproduce it bit for bit, so here it is in full:
 *
 * <ol>
 *   <li>Element {@code i} of a draw with {@code (seed, offset)} has global index {@code g = offset + i}
 *       ({@code offset >= 0}). It belongs to block {@code b = g / 4} and takes lane {@code g % 4}.</li>
 *   <li>Counter {@code (c0, c1, c2, c3) = (lo32(b), hi32(b), 0, 0)}, key {@code (k0, k1) = (lo32(seed), hi32(seed))}.</li>
 *   <li>Ten rounds, all arithmetic on uint32. One round:
 *       {@code (hi0, lo0) = M0·c0} and {@code (hi1, lo1) = M1·c2} as 64-bit products,
 *       then {@code (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)};
 *       between rounds (nine times) {@code k0 += W0, k1 += W1}. Constants
 *       {@code M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85}
 *       (Random123's {@code philox4x32_R(10, ...)}).</li>
 *   <li>The four outputs {@code u0..u3} become uniforms in (0, 1] in double: {@code u' = (u + 1)·2^-32}
 *       (u read as unsigned).</li>
 *   <li>Box-Muller in double on the pairs (u0', u1') and (u2', u3'):
 *       {@code r = sqrt(-2·ln u0')}, {@code θ = (2π)·u1'}, {@code z0 = r·cos θ}, {@code z1 = r·sin θ};
 *       likewise z2, z3 from (u2', u3'). {@code 2π} is the double nearest to it; log, cos and sin
 *       are {@link PortableMath}'s, written the same way for CUDA, so every JVM and every GPU gives
 *       the same bits.</li>
 *   <li>The element is {@code (float) z[g % 4]} (round to nearest even).</li>
 * </ol>
 *
 * <p>Because element {@code i} depends only on {@code (seed, offset + i)}, a draw can be split
 * across threads or devices in any way, and {@code randn(seed, o, n)[k..] == randn(seed, 0, o + n)[o + k..]}.
 */
public final class Philox {
    public static final int M0 = 0xD2511F53;
    public static final int M1 = 0xCD9E8D57;
    public static final int W0 = 0x9E3779B9;
    public static final int W1 = 0xBB67AE85;
    public static final int ROUNDS = 10;

    private static final long U32 = 0xffffffffL;
    private static final double TWO_PI = 2 * Math.PI;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Philox() {}

    /** Philox4x32-10 of one counter under one key: the four output words (uint32 bits in ints). */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & U32) * (c0 & U32);
            long p1 = (M1 & U32) * (c2 & U32);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** The four standard normals of block {@code b} (global indices 4b .. 4b+3) under {@code seed}. */
    public static double[] normals(long seed, long b) {
        int[] u = block((int) b, (int) (b >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
        double[] z = new double[4];
        boxMuller(uniform(u[0]), uniform(u[1]), z, 0);
        boxMuller(uniform(u[2]), uniform(u[3]), z, 2);
        return z;
    }

    /** Element with global index {@code g = offset + i} of the normal stream of {@code seed}. */
    public static float normal(long seed, long g) {
        if (g < 0) throw new IllegalArgumentException("negative Philox index " + g);
        return (float) normals(seed, g >>> 2)[(int) (g & 3)];
    }

    /**
     * Writes elements {@code [from, to)} of the draw {@code (seed, offset)} as floats into {@code dst}
     * (element i at float index i), one Philox block per four elements.
     */
    public static void fillNormal(long seed, long offset, MemorySegment dst, long from, long to) {
        if (offset < 0) throw new IllegalArgumentException("negative Philox offset " + offset);
        long i = from;
        while (i < to) {
            long g = offset + i;
            double[] z = normals(seed, g >>> 2);
            for (int lane = (int) (g & 3); lane < 4 && i < to; lane++, i++) {
                dst.setAtIndex(F32, i, (float) z[lane]);
            }
        }
    }

    private static double uniform(int u) {
        return ((u & U32) + 1) * 0x1p-32;
    }

    private static void boxMuller(double u0, double u1, double[] z, int at) {
        double r = Math.sqrt(-2 * PortableMath.log(u0)); // sqrt is correctly rounded everywhere
        PortableMath.cosSin(TWO_PI * u1, z, at);
        z[at] = r * z[at];
        z[at + 1] = r * z[at + 1];
    }
}
