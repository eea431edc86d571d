package unclip4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Sgemm} against a double-precision triple loop: relative L2 error of C ≤ 1e-5, for both
 * micro-kernels, all transpose combinations, edge sizes around the blocking (mr, nr, KC, MC), and
 * leading dimensions and offsets that are not the tight ones.
 */
class SgemmTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final double TOLERANCE = 1e-5;

    /** m, n, k: tiny, odd, around the kernel tiles and cache blocks, and scaled-down model shapes. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 1, 7}, {7, 13, 5}, {2, 3, 1}, {17, 33, 1}, {16, 16, 16}, {31, 47, 19},
            {65, 33, 129}, {1, 2048, 768}, {13, 31, 387}, {14, 32, 64}, {29, 65, 800},
            {81, 768, 96},      // prior-like: few tokens, wide output (162×6144×2048 scaled down)
            {337, 40, 72},      // decoder conv as GEMM: pixels × out channels × in channels·9, past MC
            {40, 4100, 20},     // past NC
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String kernel : new String[] {"vector", "scalar"}) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) out.add(Arguments.of(kernel, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} transA={4} transB={5}")
    @MethodSource("cases")
    void matchesDoubleLoop(String kernel, int m, int n, int k, boolean transA, boolean transB) {
        GemmDriver driver = kernel.equals("vector") ? Sgemm.VECTOR : Sgemm.SCALAR;
        long seed = 31L * (31L * m + n) + k + (transA ? 7 : 0) + (transB ? 13 : 0);
        // offsets and padded leading dimensions, and beta = 0 with NaN in C on every other case
        boolean nanC = ((m + n + k) & 1) == 0;
        check(driver, m, n, k, transA, transB, 1f, nanC ? 0f : 0.5f, 3, 5, nanC, seed, 2);
    }

    @Test
    void alphaBetaAndThreads() {
        for (float alpha : new float[] {1f, -0.75f, 2f}) {
            for (float beta : new float[] {0f, 1f, -1.5f}) {
                check(Sgemm.VECTOR, 70, 90, 50, false, true, alpha, beta, 0, 0, false, 42, 2);
                check(Sgemm.VECTOR, 70, 90, 50, true, false, alpha, beta, 1, 2, false, 43, 1);
            }
        }
        // more parts than cores, and a split along n (m < n) whose parts end mid-panel
        check(Sgemm.VECTOR, 9, 300, 200, false, false, 1f, 0f, 0, 0, false, 44, 3);
        check(Sgemm.SCALAR, 300, 9, 200, true, true, 1f, 1f, 0, 0, false, 45, 3);
    }

    @Test
    void zeroKAndZeroAlphaOnlyScaleC() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(6 * Float.BYTES);
            for (int i = 0; i < 6; i++) c.setAtIndex(F, i, i);
            MemorySegment empty = arena.allocate(Float.BYTES);
            Sgemm.sgemm(false, false, 2, 3, 0, 1f, empty, 0, 1, empty, 0, 3, 2f, c, 0, 3);
            for (int i = 0; i < 6; i++) assertEquals(2f * i, c.getAtIndex(F, i));
            Sgemm.sgemm(false, false, 2, 3, 1, 0f, empty, 0, 1, empty, 0, 3, 0f, c, 0, 3);
            for (int i = 0; i < 6; i++) assertEquals(0f, c.getAtIndex(F, i));
        }
    }

    /** Runs one GEMM on native memory with the given padding and compares it to the double loop. */
    private static void check(GemmDriver driver, int m, int n, int k, boolean transA, boolean transB, float alpha,
                              float beta, int offset, int pad, boolean nanC, long seed, int threads) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = random(arena, offset + (long) aRows * lda, rnd);
            MemorySegment b = random(arena, offset + (long) bRows * ldb, rnd);
            MemorySegment c = random(arena, offset + (long) m * ldc, rnd);
            if (nanC) for (long i = 0; i < c.byteSize() / Float.BYTES; i++) c.setAtIndex(F, i, Float.NaN);
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        double av = a.getAtIndex(F, offset + (transA ? (long) p * lda + i : (long) i * lda + p));
                        double bv = b.getAtIndex(F, offset + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                        acc += av * bv;
                    }
                    double prev = beta == 0f ? 0 : beta * (double) c.getAtIndex(F, offset + (long) i * ldc + j);
                    expected[i * n + j] = alpha * acc + prev;
                }
            }
            MemorySegment padBefore = c.asSlice(0, (long) offset * Float.BYTES);
            float[] before = padBefore.toArray(F);
            Sgemm.multiply(driver, transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc, threads);
            double num = 0, den = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    float got = c.getAtIndex(F, offset + (long) i * ldc + j);
                    if (j >= n) continue;
                    double d = got - expected[i * n + j];
                    num += d * d;
                    den += expected[i * n + j] * expected[i * n + j];
                }
            }
            double rel = Math.sqrt(num / Math.max(den, 1e-30));
            assertTrue(rel <= TOLERANCE, "relative L2 error " + rel + " > " + TOLERANCE);
            assertEquals(List.of(boxed(before)), List.of(boxed(padBefore.toArray(F))), "C before its offset was written");
        }
    }

    private static MemorySegment random(Arena arena, long floats, SplittableRandom rnd) {
        MemorySegment s = arena.allocate(Math.max(1, floats) * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) s.setAtIndex(F, i, (float) rnd.nextDouble(-1, 1));
        return s;
    }

    private static Float[] boxed(float[] x) {
        Float[] out = new Float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }
}
