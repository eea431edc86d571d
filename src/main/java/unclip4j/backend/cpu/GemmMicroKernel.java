package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The innermost GEMM step: an mr×nr block of A·B from one packed A micro-panel (kb×mr, see
 * {@link GemmPacking#packA}) and one packed B micro-panel (kb×nr, {@link GemmPacking#packB}),
 * written straight into C. Everything else in {@link GemmDriver} (blocking, packing, threads) is
 * shared by all kernels, so the scalar fallback exercises the same code as the vector kernel.
 */
interface GemmMicroKernel {
    /** Rows of C per call; A panels are packed this many rows wide. */
    int mr();

    /** Columns of C per call; B panels are packed this many columns wide. */
    int nr();

    /**
     * C[r][j] = Σ_p a[aOff + p·mr + r]·b[bOff + p·nr + j] + beta·C[r][j] for p in [0, kb), r in
     * [0, rows), j in [0, cols), where C[r][j] is element cOff + r·ldc + j of c. Rows and columns
     * beyond rows×cols (the zero padding of edge panels) are not written; beta = 0 never reads C.
     * tile is mr·nr floats of scratch owned by the calling thread.
     */
    void multiply(int kb, float[] a, int aOff, float[] b, int bOff, float[] tile,
                  MemorySegment c, long cOff, int ldc, int rows, int cols, float beta);
}
