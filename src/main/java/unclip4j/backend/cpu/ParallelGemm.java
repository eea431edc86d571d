package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * {@link Sgemm} spread over the {@link Parallel} pool: the longer of the two output dimensions is cut
 * into one panel per thread and every panel is an independent Sgemm call. Called from inside a pool
 * task (e.g. per attention head) it is a single Sgemm call, because nested loops run inline.
 */
final class ParallelGemm {
    /** Panels narrower than this cost more in repacking than they gain. */
    private static final int MIN_PANEL = 32;

    private ParallelGemm() {}

    /** Same arguments and meaning as {@link Sgemm#sgemm}. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                     float beta, MemorySegment c, long cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (m >= n) {
            Parallel.forRange(m, MIN_PANEL, (lo, hi) -> Sgemm.sgemm(transA, transB, hi - lo, n, k, alpha,
                    a, aOff + (transA ? lo : (long) lo * lda), lda, b, bOff, ldb, beta, c, cOff + (long) lo * ldc, ldc));
        } else {
            Parallel.forRange(n, MIN_PANEL, (lo, hi) -> Sgemm.sgemm(transA, transB, m, hi - lo, k, alpha,
                    a, aOff, lda, b, bOff + (transB ? (long) lo * ldb : lo), ldb, beta, c, cOff + lo, ldc));
        }
    }
}
