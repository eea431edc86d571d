package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** The fallback micro-kernel for {@code -Dunclip4j.cpu.vector=false}: plain loops over a 4×4 tile. */
final class ScalarMicroKernel implements GemmMicroKernel {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int MR = 4, NR = 4;

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
        Arrays.fill(tile, 0f);
        for (int p = 0; p < kb; p++) {
            for (int r = 0; r < MR; r++) {
                float av = a[aOff + p * MR + r];
                for (int j = 0; j < NR; j++) tile[r * NR + j] += av * b[bOff + p * NR + j];
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                long at = cOff + (long) r * ldc + j;
                float acc = tile[r * NR + j];
                c.setAtIndex(F, at, beta == 0f ? acc : acc + beta * c.getAtIndex(F, at));
            }
        }
    }
}
