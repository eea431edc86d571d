package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: an MR×(2·L) tile of C held in 2·MR vector registers (L = lanes of
 * the preferred species), updated per k step with two loads of B, MR broadcasts of A and 2·MR FMAs.
 *
 * <p>MR = 12 with AVX-512 (L = 16, a 12×32 tile): 24 accumulators + 2 B vectors + 1 broadcast fit
 * the 32 zmm registers, and 24 independent FMA chains cover the 2 FMA pipes × 4-cycle latency.
 * With 256-bit vectors (12×16 tile, 16 ymm registers) the kernel stays correct but spills.
 * The body is unrolled by hand: C2 keeps only named locals in registers.
 */
final class VectorMicroKernel implements GemmMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int MR = 12;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiply(int kb, float[] a, int aOff, float[] b, int bOff, float[] tile,
                         MemorySegment c, long cOff, int ldc, int rows, int cols, float beta) {
        // fresh zeros, not a static final constant: a constant vector object entering the loop phis
        // stops C2 from keeping the accumulators in registers (it boxes them on every iteration)
        FloatVector z = FloatVector.zero(S);
        FloatVector c0a = z, c0b = z, c1a = z, c1b = z, c2a = z, c2b = z, c3a = z, c3b = z, c4a = z, c4b = z, c5a = z, c5b = z;
        FloatVector c6a = z, c6b = z, c7a = z, c7b = z, c8a = z, c8b = z, c9a = z, c9b = z, c10a = z, c10b = z, c11a = z, c11b = z;
        for (int p = 0; p < kb; p++) {
            int ap = aOff + p * MR, bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c0a = b0.fma(a0, c0a);
            c0b = b1.fma(a0, c0b);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1a = b0.fma(a1, c1a);
            c1b = b1.fma(a1, c1b);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2a = b0.fma(a2, c2a);
            c2b = b1.fma(a2, c2b);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3a = b0.fma(a3, c3a);
            c3b = b1.fma(a3, c3b);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c4a = b0.fma(a4, c4a);
            c4b = b1.fma(a4, c4b);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c5a = b0.fma(a5, c5a);
            c5b = b1.fma(a5, c5b);
            FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
            c6a = b0.fma(a6, c6a);
            c6b = b1.fma(a6, c6b);
            FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
            c7a = b0.fma(a7, c7a);
            c7b = b1.fma(a7, c7b);
            FloatVector a8 = FloatVector.broadcast(S, a[ap + 8]);
            c8a = b0.fma(a8, c8a);
            c8b = b1.fma(a8, c8b);
            FloatVector a9 = FloatVector.broadcast(S, a[ap + 9]);
            c9a = b0.fma(a9, c9a);
            c9b = b1.fma(a9, c9b);
            FloatVector a10 = FloatVector.broadcast(S, a[ap + 10]);
            c10a = b0.fma(a10, c10a);
            c10b = b1.fma(a10, c10b);
            FloatVector a11 = FloatVector.broadcast(S, a[ap + 11]);
            c11a = b0.fma(a11, c11a);
            c11b = b1.fma(a11, c11b);
        }
        // through the tile, not straight into C: passing the accumulators to a store method that C2
        // does not inline (the node budget is spent on the loop) boxes them and costs 10× (measured)
        c0a.intoArray(tile, 0 * NR);
        c0b.intoArray(tile, 0 * NR + L);
        c1a.intoArray(tile, 1 * NR);
        c1b.intoArray(tile, 1 * NR + L);
        c2a.intoArray(tile, 2 * NR);
        c2b.intoArray(tile, 2 * NR + L);
        c3a.intoArray(tile, 3 * NR);
        c3b.intoArray(tile, 3 * NR + L);
        c4a.intoArray(tile, 4 * NR);
        c4b.intoArray(tile, 4 * NR + L);
        c5a.intoArray(tile, 5 * NR);
        c5b.intoArray(tile, 5 * NR + L);
        c6a.intoArray(tile, 6 * NR);
        c6b.intoArray(tile, 6 * NR + L);
        c7a.intoArray(tile, 7 * NR);
        c7b.intoArray(tile, 7 * NR + L);
        c8a.intoArray(tile, 8 * NR);
        c8b.intoArray(tile, 8 * NR + L);
        c9a.intoArray(tile, 9 * NR);
        c9b.intoArray(tile, 9 * NR + L);
        c10a.intoArray(tile, 10 * NR);
        c10b.intoArray(tile, 10 * NR + L);
        c11a.intoArray(tile, 11 * NR);
        c11b.intoArray(tile, 11 * NR + L);
        store(tile, c, cOff, ldc, rows, cols, beta);
    }

    /** C[r][j] = tile[r·NR + j] + beta·C[r][j] for the rows×cols corner (masked only on edge tiles). */
    private static void store(float[] tile, MemorySegment c, long cOff, int ldc, int rows, int cols, float beta) {
        FloatVector vBeta = FloatVector.broadcast(S, beta);
        VectorMask<Float> mLo = S.indexInRange(0, cols), mHi = S.indexInRange(L, cols);
        for (int r = 0; r < rows; r++) {
            long lo = (cOff + (long) r * ldc) * Float.BYTES, hi = lo + (long) L * Float.BYTES;
            FloatVector tLo = FloatVector.fromArray(S, tile, r * NR), tHi = FloatVector.fromArray(S, tile, r * NR + L);
            if (cols == NR) {
                if (beta != 0f) {
                    tLo = FloatVector.fromMemorySegment(S, c, lo, NATIVE).fma(vBeta, tLo);
                    tHi = FloatVector.fromMemorySegment(S, c, hi, NATIVE).fma(vBeta, tHi);
                }
                tLo.intoMemorySegment(c, lo, NATIVE);
                tHi.intoMemorySegment(c, hi, NATIVE);
            } else {
                if (beta != 0f) {
                    tLo = FloatVector.fromMemorySegment(S, c, lo, NATIVE, mLo).fma(vBeta, tLo);
                    tHi = FloatVector.fromMemorySegment(S, c, hi, NATIVE, mHi).fma(vBeta, tHi);
                }
                tLo.intoMemorySegment(c, lo, NATIVE, mLo);
                tHi.intoMemorySegment(c, hi, NATIVE, mHi);
            }
        }
    }
}
