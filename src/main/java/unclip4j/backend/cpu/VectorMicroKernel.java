package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: an MR×(2·L) tile of C held in 2·MR vector registers (L = lanes of
 * the preferred species), updated per k step with two loads of B, MR broadcasts of A and 2·MR FMAs.
 */
final class VectorMicroKernel implements GemmMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final FloatVector Z = FloatVector.zero(S);
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
    public void multiply(int kb, float[] a, int aOff, float[] b, int bOff,
                         MemorySegment c, long cOff, int ldc, int rows, int cols, float beta) {
        FloatVector c0a = Z, c0b = Z, c1a = Z, c1b = Z, c2a = Z, c2b = Z, c3a = Z, c3b = Z, c4a = Z, c4b = Z, c5a = Z, c5b = Z;
        FloatVector c6a = Z, c6b = Z, c7a = Z, c7b = Z, c8a = Z, c8b = Z, c9a = Z, c9b = Z, c10a = Z, c10b = Z, c11a = Z, c11b = Z;
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
        long row = cOff * Float.BYTES, stride = (long) ldc * Float.BYTES;
        storeRow(c0a, c0b, c, row, cols, beta);
        if (rows > 1) storeRow(c1a, c1b, c, row += stride, cols, beta);
        if (rows > 2) storeRow(c2a, c2b, c, row += stride, cols, beta);
        if (rows > 3) storeRow(c3a, c3b, c, row += stride, cols, beta);
        if (rows > 4) storeRow(c4a, c4b, c, row += stride, cols, beta);
        if (rows > 5) storeRow(c5a, c5b, c, row += stride, cols, beta);
        if (rows > 6) storeRow(c6a, c6b, c, row += stride, cols, beta);
        if (rows > 7) storeRow(c7a, c7b, c, row += stride, cols, beta);
        if (rows > 8) storeRow(c8a, c8b, c, row += stride, cols, beta);
        if (rows > 9) storeRow(c9a, c9b, c, row += stride, cols, beta);
        if (rows > 10) storeRow(c10a, c10b, c, row += stride, cols, beta);
        if (rows > 11) storeRow(c11a, c11b, c, row += stride, cols, beta);
    }

    /** C row = lo‖hi + beta·C row, for the first cols columns (masked only on edge tiles). */
    private static void storeRow(FloatVector lo, FloatVector hi, MemorySegment c, long at, int cols, float beta) {
        long atHi = at + (long) L * Float.BYTES;
        FloatVector vBeta = FloatVector.broadcast(S, beta);
        if (cols == NR) {
            if (beta != 0f) {
                lo = FloatVector.fromMemorySegment(S, c, at, NATIVE).fma(vBeta, lo);
                hi = FloatVector.fromMemorySegment(S, c, atHi, NATIVE).fma(vBeta, hi);
            }
            lo.intoMemorySegment(c, at, NATIVE);
            hi.intoMemorySegment(c, atHi, NATIVE);
        } else {
            VectorMask<Float> mLo = S.indexInRange(0, cols), mHi = S.indexInRange(L, cols);
            if (beta != 0f) {
                lo = FloatVector.fromMemorySegment(S, c, at, NATIVE, mLo).fma(vBeta, lo);
                hi = FloatVector.fromMemorySegment(S, c, atHi, NATIVE, mHi).fma(vBeta, hi);
            }
            lo.intoMemorySegment(c, at, NATIVE, mLo);
            hi.intoMemorySegment(c, atHi, NATIVE, mHi);
        }
    }
}
