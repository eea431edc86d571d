package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The blocked, packed GEMM loop nest around a {@link GemmMicroKernel} (Goto/BLIS order):
 * <pre>
 * for jc in n step NC:             B block kc×nc packed once, reused by every row block (lives in L3)
 *   for pc in k step KC:
 *     for ic in m step MC:         A block mc×kc packed, reused by every column panel (lives in L2)
 *       for jr in nc step nr:      one B micro-panel kc×nr stays in L1 while ...
 *         for ir in mc step mr:    ... the kernel streams the A micro-panels past it
 * </pre>
 * Threads each take a disjoint slab of C (split along m or n, see {@link #multiply}) and run this
 * nest on it with their own packing buffers, so they never synchronise inside a call.
 */
final class GemmDriver {
    /**
     * Depth of one k block: a kc×32 B micro-panel is 48 KiB, the L1d of Zen 4/5, and a kc×12 A
     * micro-panel 18 KiB streams from L2. Long k is cut
     * into equal blocks, so the loads and stores of C are amortised over ≥ 192 k steps.
     */
    static final int KC = 384;
    /** Rows of one A block: MC·KC floats = 504 KiB, half of the 1 MiB L2 per core. */
    static final int MC = 336;
    /** Columns of one B block: KC·NC floats = 6 MiB, a slice of the shared 32 MiB L3 per thread. */
    static final int NC = 4096;
    /** Below this many multiply-adds a second thread costs more than it saves. */
    static final long MIN_MACS_PER_THREAD = 1L << 17;

    /** Never started: it only stands for "some thread other than the caller" in confinement checks. */
    private static final Thread OTHER_THREAD = new Thread(() -> {});

    private final GemmMicroKernel kernel;
    /** How packB scatters a transposed B into panels, or null for the scalar copy. */
    private final int[] scatterB;
    private final int mr, nr, mc, nc;
    private final ThreadLocal<Workspace> workspaces;

    /** Per-thread packing buffers and the kernel's scratch tile, allocated once per thread. */
    private record Workspace(float[] a, float[] b, float[] tile) {}

    /** With {@code vectorPacking}, packing uses the Vector API too where it is fast (off for the scalar path). */
    GemmDriver(GemmMicroKernel kernel, boolean vectorPacking) {
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.scatterB = vectorPacking ? GemmPacking.scatterMap(nr) : null;
        this.mc = Math.max(mr, MC / mr * mr);
        this.nc = Math.max(nr, NC / nr * nr);
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(new float[mc * KC], new float[nc * KC], new float[mr * nr]));
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C with k ≥ 1 (see {@link Sgemm#sgemm} for the arguments). C is split
     * into up to {@code threads} slabs along m when m ≥ n, else along n: a slab along m repacks all of
     * B (k·n floats) and a slab along n all of A (k·m floats), so splitting the longer side keeps the
     * duplicated packing the smaller share of the work.
     */
    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                  float beta, MemorySegment c, long cOff, int ldc, int threads) {
        boolean splitM = m >= n;
        int unit = splitM ? mr : nr;
        int units = ceilDiv(splitM ? m : n, unit);
        long macs = (long) m * n * k;
        // memory of a confined arena may only be touched by its owner: stay on the calling thread
        boolean shareable = a.isAccessibleBy(OTHER_THREAD) && b.isAccessibleBy(OTHER_THREAD) && c.isAccessibleBy(OTHER_THREAD);
        int parts = shareable ? (int) Math.max(1, Math.min(Math.min(threads, units), macs / MIN_MACS_PER_THREAD)) : 1;
        // the shared pool: a GEMM called from inside a parallel kernel (per attention head, per conv band) runs inline
        Parallel.forRange(parts, 1, (lo, hi) -> {
            for (int part = lo; part < hi; part++) {
                int from = Math.min(splitM ? m : n, units * part / parts * unit);
                int to = Math.min(splitM ? m : n, units * (part + 1) / parts * unit);
                if (splitM) {
                    block(transA, transB, from, to, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                } else {
                    block(transA, transB, 0, m, from, to, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
        });
    }

    /** The loop nest for rows [i0, i1) × columns [j0, j1) of C, on the calling thread. */
    private void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                       MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                       float beta, MemorySegment c, long cOff, int ldc) {
        Workspace ws = workspaces.get();
        // equal k blocks: k = 400 runs as 200 + 200 rather than 384 + 16
        int kc = ceilDiv(k, ceilDiv(k, KC));
        for (int jc = j0; jc < j1; jc += nc) {
            int nb = Math.min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                // beta applies once, on the first k block; later blocks accumulate
                float betaK = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kb, jc, nb, nr, ws.b, scatterB);
                for (int ic = i0; ic < i1; ic += mc) {
                    int mb = Math.min(mc, i1 - ic);
                    GemmPacking.packA(transA, a, aOff, lda, ic, mb, pc, kb, alpha, mr, ws.a);
                    for (int jr = 0; jr < nb; jr += nr) {
                        for (int ir = 0; ir < mb; ir += mr) {
                            kernel.multiply(kb, ws.a, ir * kb, ws.b, jr * kb, ws.tile, c, cOff + (long) (ic + ir) * ldc + jc + jr,
                                    ldc, Math.min(mr, mb - ir), Math.min(nr, nb - jr), betaK);
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
