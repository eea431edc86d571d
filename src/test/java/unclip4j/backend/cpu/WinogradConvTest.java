package unclip4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TestTensors.randn;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/** Winograd conv2d against the double-precision oracle, for both tilings, vector and scalar loops. */
class WinogradConvTest {
    /**
     * The op tolerance of every CPU kernel. Both tilings meet it; F(4×4), whose transforms multiply by
     * up to 8 and divide by 24, with the smaller margin (about 4e-6 at 320 to 1280 channels in a
     * throwaway harness; 640 channels here).
     */
    private static final double TOL = 1e-5;
    private static final ReferenceOps REF = new ReferenceOps();

    static Stream<Arguments> tilings() {
        return Stream.of(Arguments.of(WinogradConv.F2, true), Arguments.of(WinogradConv.F2, false),
                Arguments.of(WinogradConv.F4, true), Arguments.of(WinogradConv.F4, false));
    }

    static Stream<WinogradConv.Tiling> vectorTilings() {
        return Stream.of(WinogradConv.F2, WinogradConv.F4);
    }

    /** Sizes that are and are not multiples of the tile, a 1×1 image, batches, with and without bias. */
    @ParameterizedTest
    @MethodSource("tilings")
    void matchesTheOracle(WinogradConv.Tiling f, boolean vector) {
        int[][] cases = {{1, 1, 1, 1, 1}, {1, 3, 1, 1, 2}, {2, 6, 17, 13, 5}, {1, 4, 8, 8, 4}, {1, 5, 9, 70, 3}, {2, 32, 33, 35, 24}, {1, 3, 64, 2, 2}};
        long seed = 70;
        for (int[] c : cases) {
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]), w = randn(seed++, c[4], c[1], 3, 3), b = randn(seed++, c[4]);
            assertRelL2(REF.conv2d(x, w, b, 1, 1), WinogradConv.conv2d(x, w, b, f, vector), TOL);
            assertRelL2(REF.conv2d(x, w, null, 1, 1), WinogradConv.conv2d(x, w, null, f, vector), TOL);
        }
    }

    /** Many channels, where rounding in the transforms adds up (vector loops only: the scalar ones are slow at this size). */
    @ParameterizedTest
    @MethodSource("vectorTilings")
    void manyChannels(WinogradConv.Tiling f) {
        Tensor x = randn(5, 1, 640, 12, 12), w = randn(6, 64, 640, 3, 3), b = randn(7, 64);
        assertRelL2(REF.conv2d(x, w, b, 1, 1), WinogradConv.conv2d(x, w, b, f, true), TOL);
    }

    /** Views as inputs: a permuted (channels-last) input, a slice of a batch, BF16 weights with an F16 bias, batch 3. */
    @ParameterizedTest
    @MethodSource("tilings")
    void viewsAndHalfPrecision(WinogradConv.Tiling f, boolean vector) {
        Tensor nhwc = randn(100, 3, 11, 13, 5), w = randn(101, 4, 5, 3, 3), b = randn(102, 4);
        Tensor x = nhwc.permute(0, 3, 1, 2); // (3, 5, 11, 13), not contiguous
        assertRelL2(REF.conv2d(x, w, b, 1, 1), WinogradConv.conv2d(x, w, b, f, vector), TOL);
        Tensor slice = randn(103, 5, 5, 9, 7).slice(0, 1, 4); // samples 1..3 of 5: an offset view
        assertRelL2(REF.conv2d(slice, w, b, 1, 1), WinogradConv.conv2d(slice, w, b, f, vector), TOL);
        Tensor wbf = w.to(DType.BF16), bf = b.to(DType.F16);
        assertRelL2(REF.conv2d(x, wbf, bf, 1, 1), WinogradConv.conv2d(x, wbf, bf, f, vector), TOL);
    }

    /**
     * Budgets of one, two or three tile rows give the same result as the whole batch at once, bands
     * crossing from one sample into the next included; F16 weights.
     */
    @ParameterizedTest
    @MethodSource("tilings")
    void bandsOfTileRows(WinogradConv.Tiling f, boolean vector) {
        Tensor x = randn(80, 2, 6, 19, 23), w = randn(81, 8, 6, 3, 3), b = randn(82, 8);
        int a = f.a(), tw = Math.ceilDiv(23, f.m());
        long oneRow = (long) a * a * 8 * tw * Float.BYTES;
        Tensor expected = REF.conv2d(x, w, b, 1, 1);
        assertRelL2(expected, WinogradConv.conv2d(x, w, b, f, vector, oneRow), TOL);
        assertRelL2(expected, WinogradConv.conv2d(x, w, b, f, vector, 2 * oneRow), TOL);
        assertRelL2(expected, WinogradConv.conv2d(x, w, b, f, vector, 3 * oneRow), TOL);
        Tensor w16 = w.to(DType.F16);
        assertRelL2(REF.conv2d(x, w16, b, 1, 1), WinogradConv.conv2d(x, w16, b, f, vector), TOL);
    }

    /** The scratch buffers are reused without clearing: a small call after a big one must not see old values. */
    @ParameterizedTest
    @MethodSource("vectorTilings")
    void scratchIsRewrittenOnEveryCall(WinogradConv.Tiling f) {
        Tensor big = randn(90, 2, 8, 40, 40), wBig = randn(91, 8, 8, 3, 3);
        Tensor small = randn(92, 1, 3, 5, 7), wSmall = randn(93, 2, 3, 3, 3);
        WinogradConv.conv2d(big, wBig, null, f, true);
        assertRelL2(REF.conv2d(small, wSmall, null, 1, 1), WinogradConv.conv2d(small, wSmall, null, f, true), TOL);
    }

    @Test
    void onlyThreeByThreeStrideOnePaddingOne() {
        assertTrue(WinogradConv.applies(randn(1, 4, 2, 3, 3), 1, 1));
        assertFalse(WinogradConv.applies(randn(1, 4, 2, 1, 1), 1, 0));
        assertFalse(WinogradConv.applies(randn(1, 4, 2, 3, 3), 2, 1));
        assertFalse(WinogradConv.applies(randn(1, 4, 2, 3, 3), 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> WinogradConv.conv2d(randn(1, 1, 2, 4, 4), randn(2, 3, 2, 1, 1), null, WinogradConv.F2, true));
    }
}
