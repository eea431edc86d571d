package unclip4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertValues;

import org.junit.jupiter.api.Test;
import unclip4j.backend.Philox;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * The oracle against tiny cases worked out by hand (the arithmetic is in the comments; transcendental
 * constants were evaluated with Python's math module).
 */
class ReferenceOpsTest {
    private static final double EPS = 1e-6;
    private final ReferenceOps ref = new ReferenceOps();

    private static Tensor t(float[] v, long... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void matmul2x2() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2), b = t(new float[] {5, 6, 7, 8}, 2, 2);
        assertValues(new double[] {19, 22, 43, 50}, ref.matmul(a, b), 0);
        // bᵀ stored: [[5,7],[6,8]]; 2·[[19,22],[43,50]] + 0.5·1 + [1,−1]
        Tensor bt = t(new float[] {5, 7, 6, 8}, 2, 2), bias = t(new float[] {1, -1}, 2), ones = t(new float[] {1, 1, 1, 1}, 2, 2);
        assertValues(new double[] {39.5, 43.5, 87.5, 99.5}, ref.matmul(a, false, bt, true, 2f, bias, ones, 0.5f), 0);
        // Aᵀ stored: [[1,3],[2,4]]
        assertValues(new double[] {19, 22, 43, 50}, ref.matmul(t(new float[] {1, 3, 2, 4}, 2, 2), true, b, false, 1f, null, null, 0f), 0);
    }

    @Test
    void batchedMatmulSharesRank2Operand() {
        // batch 0: identity·b = b; batch 1: 2·identity·b = 2b
        Tensor a = t(new float[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 2, 2), b = t(new float[] {5, 6, 7, 8}, 2, 2);
        Tensor c = ref.matmul(a, b);
        assertArrayEquals(new long[] {2, 2, 2}, c.shape());
        assertValues(new double[] {5, 6, 7, 8, 10, 12, 14, 16}, c, 0);
    }

    @Test
    void linearIsXWTransposedPlusBias() {
        Tensor x = t(new float[] {1, 2}, 1, 2), w = t(new float[] {1, 1, 1, -1, 0, 3}, 3, 2), b = t(new float[] {0, 0, 1}, 3);
        assertValues(new double[] {3, -1, 7}, ref.linear(x, w, b), 0);
    }

    @Test
    void conv3x3OnesKernelOn4x4() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i; // x[r][c] = 4r + c
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        // each output is the sum of the (zero-padded) 3×3 neighbourhood, e.g. top-left 0+1+4+5 = 10
        assertValues(new double[] {10, 18, 24, 18, 27, 45, 54, 39, 51, 81, 90, 63, 42, 66, 72, 50},
                ref.conv2d(t(x, 1, 1, 4, 4), t(ones, 1, 1, 3, 3), null, 1, 1), 0);
        // stride 2, no padding: a single output x[0][0] − x[2][2] + bias = 0 − 10 + 0.5
        float[] corners = {1, 0, 0, 0, 0, 0, 0, 0, -1};
        Tensor y = ref.conv2d(t(x, 1, 1, 4, 4), t(corners, 1, 1, 3, 3), t(new float[] {0.5f}, 1), 2, 0);
        assertArrayEquals(new long[] {1, 1, 1, 1}, y.shape());
        assertValues(new double[] {-9.5}, y, 0);
    }

    @Test
    void groupNormOfKnownVector() {
        // one group over [1,2,3,4]: μ = 2.5, σ² = 1.25, (x−μ)/√1.25 = ±1.3416407865, ±0.4472135955
        Tensor x = t(new float[] {1, 2, 3, 4}, 1, 2, 2);
        Tensor g = t(new float[] {1, 2}, 2), b = t(new float[] {0, 1}, 2);
        assertValues(new double[] {-1.3416407865, -0.4472135955, 0.4472135955 * 2 + 1, 1.3416407865 * 2 + 1},
                ref.groupNorm(x, 1, g, b, 0f, null, null, false), EPS);
        // two groups: each channel [1,2] or [3,4] normalises to [−1, 1]; FiLM (1+scale)·y + shift, then SiLU
        Tensor scale = t(new float[] {1, -0.5f}, 1, 2), shift = t(new float[] {0, 3}, 1, 2), unit = t(new float[] {1, 1}, 2), zero = t(new float[] {0, 0}, 2);
        assertValues(new double[] {-2, 2, 2.5, 3.5}, ref.groupNorm(x, 2, unit, zero, 0f, scale, shift, false), EPS);
        assertValues(new double[] {-0.2384058440, 1.7615941560, 2.3103545499, 3.3974071924},
                ref.groupNorm(x, 2, unit, zero, 0f, scale, shift, true), EPS);
    }

    @Test
    void layerNormOfKnownVector() {
        // row [1,2,3,4] normalises as in the GroupNorm case; row [5,5,5,5] has zero variance and gives β
        Tensor x = t(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, 2, 4);
        Tensor g = t(new float[] {1, 1, 2, 2}, 4), b = t(new float[] {0, 0, 0, 1}, 4);
        assertValues(new double[] {-1.3416407865, -0.4472135955, 0.8944271910, 3.6832815730, 0, 0, 0, 1},
                ref.layerNorm(x, g, b, 1e-12f), EPS);
    }

    @Test
    void softmaxWithMinusInfMask() {
        // [1, 2, 3] + [0, −inf, 0] → [e, 0, e³]/(e + e³) = [1/(1+e²), 0, e²/(1+e²)]
        Tensor x = t(new float[] {1, 2, 3}, 1, 3), mask = t(new float[] {0, Float.NEGATIVE_INFINITY, 0}, 3);
        assertValues(new double[] {0.1192029220, 0, 0.8807970780}, ref.softmax(x, mask), EPS);
        Tensor all = t(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 3);
        assertThrows(IllegalArgumentException.class, () -> ref.softmax(x, all));
    }

    @Test
    void attentionWeighsValues() {
        // scores q·k = [0, ln 3] → weights [1/4, 3/4] → 4/4 + 3·8/4 = 7; causal row 0 sees key 0 only → 4
        Tensor q = t(new float[] {1, 1}, 1, 1, 2, 1), k = t(new float[] {0, (float) Math.log(3)}, 1, 1, 2, 1), v = t(new float[] {4, 8}, 1, 1, 2, 1);
        assertValues(new double[] {7, 7}, ref.attention(q, k, v, null, false, 1f), EPS);
        assertValues(new double[] {4, 7}, ref.attention(q, k, v, null, true, 1f), EPS);
        Tensor keyMask = t(new float[] {0, Float.NEGATIVE_INFINITY}, 1, 2);
        assertValues(new double[] {4, 4}, ref.attention(q, k, v, keyMask, false, 1f), EPS);
    }

    @Test
    void activations() {
        Tensor x = t(new float[] {1, -1, 3, -3}, 4);
        assertValues(new double[] {0.8413447461, -0.1586552539, 2.9959503059, -0.0040496941}, ref.gelu(x), 1e-7);
        assertValues(new double[] {0.8457957659}, ref.quickGelu(t(new float[] {1}, 1)), 1e-7);
        assertValues(new double[] {0.7310585786}, ref.silu(t(new float[] {1}, 1)), 1e-7);
        assertValues(new double[] {1, Math.E}, ref.exp(t(new float[] {0, 1}, 2)), 1e-6);
        assertValues(new double[] {3, -1, 7, -5}, ref.affine(x, 2f, 1f), 0);
        assertValues(new double[] {1, -1, 2, -2}, ref.clamp(x, -2f, 2f), 0);
    }

    @Test
    void broadcastingElementwise() {
        Tensor row = t(new float[] {1, 2, 3}, 1, 3), col = t(new float[] {10, 20}, 2, 1);
        assertValues(new double[] {11, 12, 13, 21, 22, 23}, ref.add(row, col), 0);
        assertValues(new double[] {-9, -8, -7, -19, -18, -17}, ref.sub(row, col), 0);
        assertValues(new double[] {10, 20, 30, 20, 40, 60}, ref.mul(row, col), 0);
        assertThrows(IllegalArgumentException.class, () -> ref.add(t(new float[] {1, 2}, 2), t(new float[] {1, 2, 3}, 3)));
    }

    @Test
    void layoutOps() {
        assertValues(new double[] {1, 2, 3}, ref.concat(0, t(new float[] {1, 2}, 2), t(new float[] {3}, 1)), 0);
        Tensor m = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertValues(new double[] {1, 4, 2, 5, 3, 6}, ref.contiguous(m.transpose(0, 1)), 0);
        Tensor table = t(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertValues(new double[] {5, 6, 1, 2}, ref.embedding(table, Tensor.ofInts(new int[] {2, 0}, 2)), 0);
        assertThrows(IllegalArgumentException.class, () -> ref.embedding(table, Tensor.ofLongs(new long[] {3}, 1)));
        Tensor sq = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertValues(new double[] {2.5}, ref.avgPool2x2(sq), 0);
        assertValues(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, ref.upsampleNearest2x(sq), 0);
    }

    @Test
    void timestepEmbeddingIsCosFirst() {
        // dim 4: f = [1, exp(−ln 10000 / 2) = 0.01]; t = 1 → [cos 1, cos 0.01, sin 1, sin 0.01]; t = 0 → [1, 1, 0, 0]
        Tensor e = ref.timestepEmbedding(Tensor.ofLongs(new long[] {0, 1}, 2), 4);
        assertValues(new double[] {1, 1, 0, 0, 0.5403023059, 0.9999500004, 0.8414709848, 0.0099998333}, e, 1e-6);
        assertArrayEquals(new long[] {2, 5}, ref.timestepEmbedding(Tensor.ofLongs(new long[] {0, 1}, 2), 5).shape());
    }

    @Test
    void antialiasedBicubicWeightsAtTheBorder64To256() {
        // output 0: center 0.125, taps j = 0, 1 (j = −1 dropped): K(0.375) = 0.7275390625, K(1.375) = −0.0732421875,
        // sum 0.654296875 → weights 149/134 and −15/134
        double[][] w = ReferenceOps.bicubicWeights(64, 256, true);
        assertEquals(149.0 / 134, w[0][0], 1e-12);
        assertEquals(-15.0 / 134, w[0][1], 1e-12);
        assertEquals(0, w[0][2]);
        // output 2: center 0.625, taps 0..2 at K(0.125), K(0.875), K(1.875) = 987/1024, 93/1024, −7/1024, sum 1073/1024
        assertEquals(987.0 / 1073, w[2][0], 1e-12);
        assertEquals(93.0 / 1073, w[2][1], 1e-12);
        assertEquals(-7.0 / 1073, w[2][2], 1e-12);

        // on the image x[i][j] = j + 100·i each axis applies its own weights (rows sum to 1):
        // y[0][0] = −15/134 − 1500/134, y[2][0] = 79/1073 − 1500/134 (ramp 0·987 + 1·93 + 2·(−7) = 79)
        float[] img = new float[64 * 64];
        for (int i = 0; i < 64; i++) for (int j = 0; j < 64; j++) img[i * 64 + j] = j + 100 * i;
        Tensor y = ref.resizeBicubic(t(img, 1, 1, 64, 64), 256, 256, true);
        assertEquals(-1515.0 / 134, y.getDouble(0, 0, 0, 0), 1e-4);
        assertEquals(79.0 / 1073 - 1500.0 / 134, y.getDouble(0, 0, 0, 2), 1e-4);
    }

    @Test
    void plainBicubicClampsBorderTaps() {
        // output 0: source 0.25·0.5 − 0.5 = −0.375, floor −1, t = 0.625; taps at −2,−1,0,1 clamp to 0,0,0,1,
        // so on the ramp x[j] = j only the last tap counts: 1·cc2(1 + (1 − t)) = cc2(1.375) = −0.10986328125
        float[] ramp = new float[64];
        for (int j = 0; j < 64; j++) ramp[j] = j;
        Tensor y = ref.resizeBicubic(t(ramp, 1, 1, 1, 64), 1, 256, false);
        assertEquals(-0.10986328125, y.getDouble(0, 0, 0, 0), 1e-6);
        double[][] w = ReferenceOps.bicubicWeights(64, 256, false);
        for (double[] row : w) assertEquals(1, java.util.Arrays.stream(row).sum(), 1e-12);
    }

    @Test
    void convertRoundsToNearestEven() {
        Tensor third = t(new float[] {1f / 3}, 1);
        // float16 0x3555 = 0.333251953125; bfloat16 0x3EAB = 0.333984375
        assertValues(new double[] {0.333251953125}, ref.convert(third, DType.F16), 0);
        assertValues(new double[] {0.333984375}, ref.convert(third, DType.BF16), 0);
        assertEquals(DType.F16, ref.convert(third, DType.F16).dtype());
        assertThrows(IllegalArgumentException.class, () -> ref.convert(Tensor.ofInts(new int[] {1}, 1), DType.F32));
    }

    @Test
    void randnFollowsPhilox() {
        Tensor r = ref.randn(42, 3, 2, 5);
        for (int i = 0; i < 10; i++) assertEquals(Philox.normal(42, 3 + i), r.getFloat(i / 5, i % 5));
    }

    @Test
    void badShapesNameTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ref.matmul(t(new float[6], 2, 3), t(new float[8], 4, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ref.conv2d(t(new float[4], 2, 2), t(new float[9], 1, 1, 3, 3), null, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ref.groupNorm(t(new float[6], 1, 3, 2), 2, null, null, 1e-5f, null, null, false));
    }
}
