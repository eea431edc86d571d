package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-precision GEMM on row-major host memory, the engine under matmul, linear and conv2d of
 * the fast CPU backend: {@code C = alpha·op(A)·op(B) + beta·C}.
 *
 * <p>All offsets and leading dimensions are in float elements. op(A) is m×k ({@code A} stored m×k
 * with row stride lda, or k×m if transA); op(B) is k×n (stored k×n with stride ldb, or n×k if transB).
 */
public final class Sgemm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Sgemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda,
                             MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long cOff, int ldc) {
        // placeholder: a straightforward triple loop until the packed Vector API kernel lands
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = a.getAtIndex(F, aOff + (transA ? (long) p * lda + i : (long) i * lda + p));
                    float bv = b.getAtIndex(F, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                    acc += av * bv;
                }
                long ci = cOff + (long) i * ldc + j;
                float prev = beta == 0f ? 0f : beta * c.getAtIndex(F, ci);
                c.setAtIndex(F, ci, alpha * acc + prev);
            }
        }
    }
}
