package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous layouts the micro-kernel streams through.
 * Transposes are resolved here, so the kernel never sees them; partial panels are zero-padded, so
 * the kernel never needs an edge case in k, m or n.
 *
 * <p>Layouts (row-major C, mr and nr from the micro-kernel):
 * <pre>
 * A block mb×kb → ⌈mb/mr⌉ panels, each kb×mr: panel[p·mr + r] = alpha·op(A)[i0 + mr·panel + r][p0 + p]
 * B block kb×nb → ⌈nb/nr⌉ panels, each kb×nr: panel[p·nr + j] = op(B)[p0 + p][j0 + nr·panel + j]
 * </pre>
 * so each k step of the kernel reads mr consecutive floats of A and nr consecutive floats of B.
 */
final class GemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private GemmPacking() {}

    /** Packs rows [i0, i0+mb) × columns [p0, p0+kb) of op(A), scaled by alpha, into dst. */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int i0, int mb, int p0, int kb,
                      float alpha, int mr, float[] dst) {
        for (int i = 0, panel = 0; i < mb; i += mr, panel += kb * mr) {
            int rows = Math.min(mr, mb - i);
            if (rows < mr) Arrays.fill(dst, panel, panel + kb * mr, 0f);
            if (transA) {
                // op(A) row i is column i of the stored k×m matrix: the mr values of one k step are contiguous
                for (int p = 0; p < kb; p++) {
                    long src = aOff + (long) (p0 + p) * lda + i0 + i;
                    int d = panel + p * mr;
                    for (int r = 0; r < rows; r++) dst[d + r] = alpha * a.getAtIndex(F, src + r);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    long src = aOff + (long) (i0 + i + r) * lda + p0;
                    int d = panel + r;
                    for (int p = 0; p < kb; p++) dst[d + p * mr] = alpha * a.getAtIndex(F, src + p);
                }
            }
        }
    }

    /**
     * The index map that scatters one vector of a transposed B's column into a panel of width nr, or
     * null where scatters are slow: x86 compiles them to one instruction only with AVX-512 (512-bit
     * vectors). With AVX2 a scatter runs lane by lane and packing was slower than the scalar copy
     * (162x6144x2048 with -XX:UseAVX=2: 96 against 114 GFLOP/s).
     */
    static int[] scatterMap(int nr) {
        if (S.vectorBitSize() < 512) return null;
        int[] map = new int[S.length()];
        for (int i = 0; i < map.length; i++) map[i] = i * nr; // consecutive k steps of one column: nr apart
        return map;
    }

    /**
     * Packs rows [p0, p0+kb) × columns [j0, j0+nb) of op(B) into dst. A transposed B is read a vector at
     * a time and scattered into the panel when {@code scatter} (from {@link #scatterMap}) is not null.
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int p0, int kb, int j0, int nb,
                      int nr, float[] dst, int[] scatter) {
        for (int j = 0, panel = 0; j < nb; j += nr, panel += kb * nr) {
            int cols = Math.min(nr, nb - j);
            if (cols < nr) Arrays.fill(dst, panel, panel + kb * nr, 0f);
            if (transB) {
                // op(B) column c is row c of the stored n×k matrix: kb contiguous values, nr apart in the panel
                for (int c = 0; c < cols; c++) {
                    long src = bOff + (long) (j0 + j + c) * ldb + p0;
                    int d = panel + c, p = 0;
                    if (scatter != null) {
                        for (int bound = S.loopBound(kb); p < bound; p += S.length()) {
                            FloatVector column = FloatVector.fromMemorySegment(S, b, (src + p) * Float.BYTES, ORDER);
                            column.intoArray(dst, d + p * nr, scatter, 0);
                        }
                    }
                    for (; p < kb; p++) dst[d + p * nr] = b.getAtIndex(F, src + p);
                }
            } else {
                // one k step of the panel is a contiguous run of a row of B: a bulk copy
                for (int p = 0; p < kb; p++) {
                    long src = bOff + (long) (p0 + p) * ldb + j0 + j;
                    MemorySegment.copy(b, F, src * Float.BYTES, dst, panel + p * nr, cols);
                }
            }
        }
    }
}
