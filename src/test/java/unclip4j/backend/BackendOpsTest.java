package unclip4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.assertSameValues;
import static unclip4j.testing.TestTensors.randn;
import static unclip4j.testing.TestTensors.uniform;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.Cuda;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.DeviceLikeBackend;
import unclip4j.testing.HostResults;

/**
 * Every op of every fast backend against {@link ReferenceOps} on fresh random inputs, one test body
 * for all of them: the CPU backend with the Vector API on and off, the CPU backend behind device-like
 * tensors (results must be downloaded, as from a GPU), and the CUDA backend with its default kernels
 * when this machine has a GPU (skipped with the probe's reason otherwise). Odd sizes (1, 7, 33, 65,
 * 127), non-contiguous views, F16/BF16 weights, scaled-down model shapes. Tolerance: relative L2 error
 * 1e-5. Every CUDA kernel variant, not only the defaults, is checked by CudaBackendTest.
 */
@ExtendWith(HostResults.SkipUnavailable.class)
class BackendOpsTest {
    private static final double TOL = 1e-5;
    private static final ReferenceOps REF = new ReferenceOps();
    private static CudaBackend cuda;

    static synchronized Stream<Backend> backends() {
        Backend gpu;
        if (Cuda.available()) {
            if (cuda == null) cuda = CudaBackend.open();
            gpu = HostResults.of(cuda);
        } else {
            gpu = HostResults.unavailable("cuda", Cuda.unavailableReason());
        }
        return Stream.of(new CpuBackend(true, ConvAlgorithm.AUTO), new CpuBackend(false, ConvAlgorithm.AUTO), HostResults.of(DeviceLikeBackend.create()), gpu);
    }

    @AfterAll
    static synchronized void close() {
        if (cuda != null) cuda.close();
        cuda = null;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulAllTransposes(Backend backend) {
        int[][] mnk = {{1, 1, 1}, {7, 33, 65}, {65, 7, 127}, {127, 65, 33}, {200, 96, 64}};
        long seed = 1;
        for (int[] s : mnk) {
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                Tensor a = ta ? randn(seed++, s[2], s[0]) : randn(seed++, s[0], s[2]);
                Tensor b = tb ? randn(seed++, s[1], s[2]) : randn(seed++, s[2], s[1]);
                Tensor bias = randn(seed++, s[1]), c0 = randn(seed++, s[0], s[1]);
                assertRelL2(REF.matmul(a, ta, b, tb, 1f, null, null, 0f), backend.matmul(a, ta, b, tb, 1f, null, null, 0f), TOL);
                assertRelL2(REF.matmul(a, ta, b, tb, 0.7f, bias, c0, -1.5f), backend.matmul(a, ta, b, tb, 0.7f, bias, c0, -1.5f), TOL);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchedMatmulWithSharedOperands(Backend backend) {
        Tensor a3 = randn(1, 3, 33, 17), b2 = randn(2, 17, 7), a2 = randn(3, 33, 17), b3 = randn(4, 3, 17, 7);
        Tensor c3 = randn(5, 3, 33, 7), c2 = randn(6, 33, 7), bias = randn(7, 7);
        assertRelL2(REF.matmul(a3, b2), backend.matmul(a3, b2), TOL);
        assertRelL2(REF.matmul(a2, b3), backend.matmul(a2, b3), TOL);
        assertRelL2(REF.matmul(a3, false, b3, false, 2f, bias, c3, 0.5f), backend.matmul(a3, false, b3, false, 2f, bias, c3, 0.5f), TOL);
        assertRelL2(REF.matmul(a3, false, b3, false, 1f, null, c2, 1f), backend.matmul(a3, false, b3, false, 1f, null, c2, 1f), TOL);
        // batch 1 takes the row-split path, batch 8 the batch-parallel one; a and b as transposed views
        Tensor q = randn(8, 8, 65, 16), k = randn(9, 8, 65, 16);
        assertRelL2(REF.matmul(q, false, k, true, 0.25f, null, null, 0f), backend.matmul(q, false, k, true, 0.25f, null, null, 0f), TOL);
        assertRelL2(REF.matmul(q.transpose(1, 2), true, k, true, 1f, null, null, 0f), backend.matmul(q.transpose(1, 2), true, k, true, 1f, null, null, 0f), TOL);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linearWithHalfPrecisionWeights(Backend backend) {
        Tensor x = randn(1, 2, 81, 64), w = randn(2, 96, 64), b = randn(3, 96);
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor wd = w.to(dt), bd = b.to(dt);
            assertRelL2(REF.linear(x, wd, bd), backend.linear(x, wd, bd), TOL);
        }
        // x as a non-contiguous view ([81, 2, 64] permuted)
        Tensor xt = randn(4, 81, 2, 64).transpose(0, 1);
        assertRelL2(REF.linear(xt, w, null), backend.linear(xt, w, null), TOL);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv2dShapes(Backend backend) {
        // N, C, H, W, O, k, stride, padding
        int[][] cases = {
            {1, 1, 4, 4, 1, 3, 1, 1}, {2, 3, 7, 7, 5, 3, 1, 1}, {1, 4, 9, 9, 6, 3, 2, 1}, {2, 8, 8, 8, 16, 1, 1, 0},
            {1, 5, 6, 6, 4, 1, 2, 0}, {1, 3, 7, 5, 4, 3, 1, 0}, {1, 1, 1, 1, 1, 1, 1, 0}, {2, 16, 16, 16, 3, 3, 1, 1},
        };
        long seed = 10;
        for (int[] c : cases) {
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]), w = randn(seed++, c[4], c[1], c[5], c[5]), b = randn(seed++, c[4]);
            assertRelL2(REF.conv2d(x, w, b, c[6], c[7]), backend.conv2d(x, w, b, c[6], c[7]), TOL);
            Tensor w16 = w.to(DType.F16);
            assertRelL2(REF.conv2d(x, w16, null, c[6], c[7]), backend.conv2d(x, w16, null, c[6], c[7]), TOL);
        }
    }

    // ------------------------------------------------------------------ normalisation

    @ParameterizedTest
    @MethodSource("backends")
    void groupNormWithFilmAndSilu(Backend backend) {
        long[][] shapes = {{2, 64, 8, 8}, {1, 6, 5}, {2, 96, 16, 16}, {1, 32, 1, 1}, {3, 64, 7, 9}};
        int[] groups = {32, 3, 32, 32, 32};
        long seed = 20;
        for (int i = 0; i < shapes.length; i++) {
            long[] s = shapes[i];
            int c = (int) s[1];
            // offset and scaled data: the statistics must not cancel
            Tensor x = REF.affine(randn(seed++, s), 3f, 5f);
            Tensor g = randn(seed++, c), b = randn(seed++, c), scale = randn(seed++, s[0], c), shift = randn(seed++, s[0], c);
            for (boolean silu : new boolean[] {false, true}) {
                assertRelL2(REF.groupNorm(x, groups[i], g, b, 1e-5f, null, null, silu), backend.groupNorm(x, groups[i], g, b, 1e-5f, null, null, silu), TOL);
                assertRelL2(REF.groupNorm(x, groups[i], g, b, 1e-5f, scale, shift, silu), backend.groupNorm(x, groups[i], g, b, 1e-5f, scale, shift, silu), TOL);
            }
        }
        Tensor xv = randn(30, 2, 8, 33, 7).transpose(2, 3);
        Tensor g16 = randn(31, 8).to(DType.F16), b16 = randn(32, 8).to(DType.BF16);
        assertRelL2(REF.groupNorm(xv, 4, g16, b16, 1e-6f, null, null, true), backend.groupNorm(xv, 4, g16, b16, 1e-6f, null, null, true), TOL);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void layerNorm(Backend backend) {
        long[][] shapes = {{7, 33}, {2, 81, 128}, {1, 1}, {3, 127}, {2, 77, 65}};
        long seed = 40;
        for (long[] s : shapes) {
            int d = (int) s[s.length - 1];
            Tensor x = REF.affine(randn(seed++, s), 2f, -3f), g = randn(seed++, d), b = randn(seed++, d);
            assertRelL2(REF.layerNorm(x, g, b, 1e-5f), backend.layerNorm(x, g, b, 1e-5f), TOL);
            assertRelL2(REF.layerNorm(x, g.to(DType.F16), null, 1e-5f), backend.layerNorm(x, g.to(DType.F16), null, 1e-5f), TOL);
        }
        Tensor xv = randn(50, 33, 4).transpose(0, 1);
        assertRelL2(REF.layerNorm(xv, null, null, 1e-5f), backend.layerNorm(xv, null, null, 1e-5f), TOL);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void softmaxWithMasks(Backend backend) {
        Tensor x = REF.affine(randn(1, 3, 7, 33), 4f, 0f);
        float[] m = new float[33];
        for (int j = 0; j < 33; j++) m[j] = j % 3 == 1 ? Float.NEGATIVE_INFINITY : j % 3 == 2 ? -1.5f : 0f;
        Tensor mask = Tensor.of(m, 33);
        assertRelL2(REF.softmax(x, null), backend.softmax(x, null), TOL);
        assertRelL2(REF.softmax(x, mask), backend.softmax(x, mask), TOL);
        Tensor rowMask = randn(2, 3, 1, 33);
        assertRelL2(REF.softmax(x, rowMask), backend.softmax(x, rowMask), TOL);
        for (int n : new int[] {1, 65, 127, 1000}) {
            Tensor y = REF.affine(randn(n, 5, n), 10f, 100f);
            assertRelL2(REF.softmax(y, null), backend.softmax(y, null), TOL);
        }
        Tensor allMasked = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2);
        assertThrows(IllegalArgumentException.class, () -> backend.softmax(randn(3, 4, 2), allMasked));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void attention(Backend backend) {
        // B, H, Tq, Tk, D
        int[][] cases = {{1, 1, 1, 1, 8}, {2, 3, 7, 7, 16}, {2, 2, 65, 146, 64}, {1, 2, 300, 300, 32}, {2, 1, 5, 9, 33}, {1, 4, 129, 81, 8}};
        long seed = 60;
        for (int[] c : cases) {
            Tensor q = randn(seed++, c[0], c[1], c[2], c[4]), k = randn(seed++, c[0], c[1], c[3], c[4]), v = randn(seed++, c[0], c[1], c[3], c[4]);
            float scale = (float) (1 / Math.sqrt(c[4]));
            float[] m = new float[c[0] * c[3]];
            for (int i = 0; i < m.length; i++) m[i] = i % c[3] != 0 && i % 5 == 3 ? Float.NEGATIVE_INFINITY : 0f;
            Tensor keyMask = Tensor.of(m, c[0], c[3]);
            // causal with Tq > Tk would hide every key from the first queries
            for (boolean causal : c[2] > c[3] ? new boolean[] {false} : new boolean[] {false, true}) {
                assertRelL2(REF.attention(q, k, v, null, causal, scale), backend.attention(q, k, v, null, causal, scale), TOL);
                assertRelL2(REF.attention(q, k, v, keyMask, causal, scale), backend.attention(q, k, v, keyMask, causal, scale), TOL);
            }
        }
        // q, k, v as head views of a [B, T, H, D] tensor, values with their own width
        Tensor qkv = randn(70, 2, 77, 4, 24);
        Tensor q = qkv.slice(3, 0, 8).transpose(1, 2), k = qkv.slice(3, 8, 16).transpose(1, 2), v = qkv.slice(3, 16, 24).transpose(1, 2);
        assertRelL2(REF.attention(q, k, v, null, true, 0.3f), backend.attention(q, k, v, null, true, 0.3f), TOL);
        Tensor v2 = randn(71, 2, 4, 77, 5);
        assertRelL2(REF.attention(q, k, v2, null, false, 0.3f), backend.attention(q, k, v2, null, false, 0.3f), TOL);
    }

    // ------------------------------------------------------------------ activations and elementwise

    @ParameterizedTest
    @MethodSource("backends")
    void activationsAndUnaryOps(Backend backend) {
        long seed = 80;
        for (int n : new int[] {1, 7, 33, 65, 127, 5000}) {
            Tensor x = REF.affine(randn(seed++, n), 4f, 0f);
            assertRelL2(REF.gelu(x), backend.gelu(x), TOL);
            assertRelL2(REF.quickGelu(x), backend.quickGelu(x), TOL);
            assertRelL2(REF.silu(x), backend.silu(x), TOL);
            assertRelL2(REF.exp(x), backend.exp(x), TOL);
            assertRelL2(REF.affine(x, -0.5f, 0.25f), backend.affine(x, -0.5f, 0.25f), TOL);
            assertSameValues(REF.clamp(x, -1f, 1.5f), backend.clamp(x, -1f, 1.5f));
        }
        Tensor wide = uniform(90, -12f, 12f, 3, 1000).transpose(0, 1);
        assertRelL2(REF.gelu(wide), backend.gelu(wide), TOL);
        assertRelL2(REF.silu(wide.to(DType.BF16)), backend.silu(wide.to(DType.BF16)), TOL);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void broadcastingElementwise(Backend backend) {
        long[][][] pairs = {
            {{2, 3, 4, 5}, {2, 3, 4, 5}}, {{2, 3, 4, 5}, {5}}, {{2, 3, 4, 5}, {2, 3, 1, 1}}, {{2, 1, 4, 1}, {3, 1, 5}},
            {{7}, {1}}, {{1}, {7, 1}}, {{127, 65}, {65}}, {{1, 65}, {33, 1}}, {{2, 81, 64}, {1, 81, 64}},
        };
        long seed = 100;
        for (long[][] p : pairs) {
            Tensor a = randn(seed++, p[0]), b = randn(seed++, p[1]);
            assertRelL2(REF.add(a, b), backend.add(a, b), TOL);
            assertRelL2(REF.sub(a, b), backend.sub(a, b), TOL);
            assertRelL2(REF.mul(b, a), backend.mul(b, a), TOL);
        }
        Tensor at = randn(120, 5, 4, 3).permute(2, 1, 0), bt = randn(121, 3, 1, 5).to(DType.F16);
        assertRelL2(REF.mul(at, bt), backend.mul(at, bt), TOL);
        assertThrows(IllegalArgumentException.class, () -> backend.add(randn(1, 3, 4), randn(2, 5)));
    }

    // ------------------------------------------------------------------ layout

    @ParameterizedTest
    @MethodSource("backends")
    void concatAndContiguousCopyExactly(Backend backend) {
        Tensor a = randn(1, 2, 3, 5), b = randn(2, 2, 7, 5), c = randn(3, 2, 1, 5);
        assertSameValues(REF.concat(1, a, b, c), backend.concat(1, a, b, c));
        assertSameValues(REF.concat(0, a, a), backend.concat(0, a, a));
        assertSameValues(REF.concat(-1, a, randn(4, 2, 3, 1)), backend.concat(-1, a, randn(4, 2, 3, 1)));
        Tensor h = a.to(DType.F16), ht = randn(5, 2, 5, 3).to(DType.F16).transpose(1, 2);
        assertSameValues(REF.concat(1, h, ht), backend.concat(1, h, ht));
        assertThrows(IllegalArgumentException.class, () -> backend.concat(1, a, h));
        Tensor ids = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertSameValues(REF.contiguous(ids.transpose(0, 1)), backend.contiguous(ids.transpose(0, 1)));
        Tensor x = randn(6, 3, 4, 5);
        assertSameValues(REF.contiguous(x.permute(2, 0, 1)), backend.contiguous(x.permute(2, 0, 1)));
        assertSameValues(REF.contiguous(x.slice(1, 1, 3)), backend.contiguous(x.slice(1, 1, 3)));
        assertSameValues(REF.contiguous(randn(7, 1, 5).expand(4, 5)), backend.contiguous(randn(7, 1, 5).expand(4, 5)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void embeddingRows(Backend backend) {
        Tensor table = randn(1, 50, 33);
        Tensor ids32 = Tensor.ofInts(new int[] {0, 49, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2, 7), ids64 = Tensor.ofLongs(new long[] {3, 1, 4, 1, 5}, 5);
        for (Tensor t : new Tensor[] {table, table.to(DType.F16), table.to(DType.BF16)}) {
            assertSameValues(REF.embedding(t, ids32), backend.embedding(t, ids32));
            assertSameValues(REF.embedding(t, ids64), backend.embedding(t, ids64));
        }
        assertThrows(IllegalArgumentException.class, () -> backend.embedding(table, Tensor.ofInts(new int[] {50}, 1)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void resamplingAndPooling(Backend backend) {
        for (long[] s : new long[][] {{2, 3, 5, 7}, {1, 2, 8, 6}, {1, 1, 1, 1}}) {
            Tensor x = randn(s[2] * 10 + s[3], s);
            assertSameValues(REF.upsampleNearest2x(x), backend.upsampleNearest2x(x));
        }
        for (long[] s : new long[][] {{2, 3, 4, 6}, {1, 5, 16, 2}, {1, 1, 2, 2}}) {
            Tensor x = randn(s[2] * 10 + s[3], s);
            assertRelL2(REF.avgPool2x2(x), backend.avgPool2x2(x), TOL);
        }
        Tensor v = randn(3, 2, 3, 6, 4).transpose(2, 3);
        assertRelL2(REF.avgPool2x2(v), backend.avgPool2x2(v), TOL);
        assertThrows(IllegalArgumentException.class, () -> backend.avgPool2x2(randn(1, 1, 1, 3, 4)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void timestepEmbedding(Backend backend) {
        Tensor t64 = Tensor.ofLongs(new long[] {0, 1, 500, 999}, 4);
        for (int dim : new int[] {2, 7, 64, 65, 320}) {
            assertSameValues(REF.timestepEmbedding(t64, dim), backend.timestepEmbedding(t64, dim));
        }
        assertSameValues(REF.timestepEmbedding(Tensor.ofInts(new int[] {3, 999}, 2), 128), backend.timestepEmbedding(Tensor.of(new float[] {3, 999}, 2), 128));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bicubicResize(Backend backend) {
        // the real case 64 → 256 on clamped [−1, 1] data, odd sizes both ways, and downsampling
        Tensor img = uniform(1, -1f, 1f, 1, 3, 64, 64);
        for (boolean aa : new boolean[] {true, false}) {
            assertRelL2(REF.resizeBicubic(img, 256, 256, aa), backend.resizeBicubic(img, 256, 256, aa), TOL);
            Tensor odd = randn(2, 2, 2, 17, 13);
            assertRelL2(REF.resizeBicubic(odd, 5, 29, aa), backend.resizeBicubic(odd, 5, 29, aa), TOL);
            Tensor big = randn(3, 1, 1, 100, 37);
            assertRelL2(REF.resizeBicubic(big, 37, 100, aa), backend.resizeBicubic(big, 37, 100, aa), TOL);
            assertRelL2(REF.resizeBicubic(big, 1, 1, aa), backend.resizeBicubic(big, 1, 1, aa), TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void convertRoundsLikeTheReference(Backend backend) {
        Tensor x = REF.affine(randn(1, 7, 65), 1000f, 0f);
        for (DType to : new DType[] {DType.F16, DType.BF16, DType.F32}) {
            assertSameValues(REF.convert(x, to), backend.convert(x, to));
            Tensor half = x.to(DType.F16);
            assertSameValues(REF.convert(half, to), backend.convert(half, to));
            assertSameValues(REF.convert(x.transpose(0, 1), to), backend.convert(x.transpose(0, 1), to));
        }
        Tensor y = backend.convert(x, DType.F32);
        assertTrue(y != x, "convert returns a fresh tensor");
    }

    /** Empty tensors (a batch of 0, no rows, no columns) give empty results, as the reference does; k = 0 leaves beta·C0 + bias. */
    @ParameterizedTest
    @MethodSource("backends")
    void emptyTensors(Backend backend) {
        assertSameShape(REF.matmul(randn(1, 0, 5), randn(2, 5, 3)), backend.matmul(randn(1, 0, 5), randn(2, 5, 3)));
        assertSameShape(REF.matmul(randn(3, 4, 5), randn(4, 5, 0)), backend.matmul(randn(3, 4, 5), randn(4, 5, 0)));
        Tensor bias = randn(5, 3), c0 = randn(6, 2, 3);
        assertRelL2(REF.matmul(randn(7, 2, 0), false, randn(8, 0, 3), false, 1f, bias, c0, 0.5f),
                backend.matmul(randn(7, 2, 0), false, randn(8, 0, 3), false, 1f, bias, c0, 0.5f), TOL);
        Tensor x = randn(9, 0, 4, 6, 6), w = randn(10, 8, 4, 3, 3);
        assertSameShape(REF.conv2d(x, w, null, 1, 1), backend.conv2d(x, w, null, 1, 1));
        Tensor g = randn(11, 4);
        assertSameShape(REF.groupNorm(x, 2, g, g, 1e-5f, null, null, true), backend.groupNorm(x, 2, g, g, 1e-5f, null, null, true));
        assertSameShape(REF.layerNorm(randn(12, 0, 4), g, g, 1e-5f), backend.layerNorm(randn(12, 0, 4), g, g, 1e-5f));
        assertSameShape(REF.softmax(randn(13, 0, 7), null), backend.softmax(randn(13, 0, 7), null));
    }

    private static void assertSameShape(Tensor expected, Tensor actual) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        assertEquals(0, actual.numel());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badArgumentsNameTheShapes(Backend backend) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.matmul(randn(1, 2, 3), randn(2, 4, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend.conv2d(randn(1, 1, 3, 8, 8), randn(2, 4, 2, 3, 3), null, 1, 1));
        assertTrue(e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backend.attention(randn(1, 1, 2, 3, 4), randn(2, 1, 2, 3, 5), randn(3, 1, 2, 3, 4), null, false, 1f));
        assertThrows(IllegalArgumentException.class, () -> backend.layerNorm(randn(1, 3, 4), randn(2, 5), null, 1e-5f));
    }
}
