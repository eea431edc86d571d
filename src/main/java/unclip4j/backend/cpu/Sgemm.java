package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import unclip4j.config.JvmSettings;

/**
 * Single-precision GEMM on row-major host memory, the engine under matmul, linear and conv2d of
 * the fast CPU backend: {@code C = alpha·op(A)·op(B) + beta·C}.
 *
 * <p>All offsets and leading dimensions are in float elements. op(A) is m×k ({@code A} stored m×k
 * with row stride lda, or k×m if transA); op(B) is k×n (stored k×n with stride ldb, or n×k if transB).
 * As in BLAS, beta = 0 overwrites C without reading it (NaNs in C do not propagate). Segments of a
 * confined arena are computed on the calling thread only; shared, global or automatic ones use all cores.
 *
 * <p>Every problem runs the packed, cache-blocked {@link GemmDriver} on all cores with the Vector
 * API {@link VectorMicroKernel}, or with {@link ScalarMicroKernel} when {@code -Dunclip4j.cpu.vector=false}.
 * Tiny problems too, though a plain loop would skip the packing: one arithmetic for every shape means
 * a row of C comes out the same bits however many rows share the call, so a picture computed in a
 * batch is the picture computed alone.
 */
public final class Sgemm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    static final GemmDriver VECTOR = new GemmDriver(new VectorMicroKernel(), true);
    static final GemmDriver SCALAR = new GemmDriver(new ScalarMicroKernel(), false);
    private static final GemmDriver DEFAULT =
            JvmSettings.flag(CpuBackend.VECTOR_PROPERTY, true) ? VECTOR : SCALAR;

    private Sgemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda,
                             MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float, MemorySegment, long, int, MemorySegment, long, int, float, MemorySegment, long, int)}, on at most {@code threads} threads. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda,
                             MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long cOff, int ldc, int threads) {
        multiply(DEFAULT, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
    }

    /** The entry point with the driver made explicit, so tests can check both micro-kernels. */
    static void multiply(GemmDriver driver, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                         float beta, MemorySegment c, long cOff, int ldc, int threads) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size " + m + "×" + n + "×" + k);
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n) {
            throw new IllegalArgumentException("leading dimension too small: lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " for m=" + m + " n=" + n + " k=" + k + (transA ? " transA" : "") + (transB ? " transB" : ""));
        }
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
        } else {
            driver.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
        }
    }

    /** C = beta·C: what is left of GEMM when op(A)·op(B) contributes nothing. */
    private static void scale(int m, int n, float beta, MemorySegment c, long cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long ci = cOff + (long) i * ldc + j;
                c.setAtIndex(F, ci, beta == 0f ? 0f : beta * c.getAtIndex(F, ci));
            }
        }
    }
}
