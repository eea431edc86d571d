package unclip4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.assertSameValues;
import static unclip4j.testing.TestTensors.randn;
import static unclip4j.testing.TestTensors.uniform;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.backend.Philox;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.kernels.AttentionKernel;
import unclip4j.backend.cuda.kernels.Conv2dKernel;
import unclip4j.backend.cuda.kernels.GemmKernel;
import unclip4j.diffusion.SeededNoise;
import unclip4j.kernel.DevicePeak;
import unclip4j.kernel.KernelCatalog;
import unclip4j.kernel.KernelChoice;
import unclip4j.kernel.KernelVariant;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * Every op of the CUDA backend, every variant of every kernel family, against {@link ReferenceOps} on
 * fresh random inputs: odd sizes, non-contiguous views, broadcasting, F16/BF16 inputs, masks.
 * Tolerance: relative L2 error 1e-5 for fp32 kernels; 2e-3 (fp16, tf32) and 1e-2 (bf16) for the
 * tensor-core GEMMs and convolutions, whose operands are rounded. Needs a GPU; elsewhere the class is skipped with
 * the probe's reason.
 */
class CudaBackendTest {
    private static final double TOL = 1e-5;
    private static final ReferenceOps REF = new ReferenceOps();
    private static CudaBackend gpu;

    /** Per test, so that every skipped test reports the reason. */
    @BeforeEach
    void open() {
        Assumptions.assumeTrue(Cuda.available(), Cuda.unavailableReason());
        if (gpu == null) gpu = CudaBackend.open();
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    static Stream<KernelVariant> gemm() { return KernelCatalog.variants("gemm").stream(); }
    static Stream<KernelVariant> conv2d() { return KernelCatalog.variants("conv2d").stream(); }
    static Stream<KernelVariant> attention() { return KernelCatalog.variants("attention").stream(); }
    static Stream<KernelVariant> groupNorm() { return KernelCatalog.variants("group_norm").stream(); }
    static Stream<KernelVariant> layerNorm() { return KernelCatalog.variants("layer_norm").stream(); }
    static Stream<KernelVariant> softmax() { return KernelCatalog.variants("softmax").stream(); }
    static Stream<KernelVariant> unary() { return KernelCatalog.variants("unary").stream(); }
    static Stream<KernelVariant> binary() { return KernelCatalog.variants("binary").stream(); }

    /** The backend running this variant; library variants are skipped where the library is absent. */
    private static Backend using(KernelVariant v) {
        if (v.isLibrary() && v.family().equals("gemm")) Assumptions.assumeTrue(Cublas.provider().library() != null, Cublas.provider().reason());
        if (v == GemmKernel.V6_WGMMA_F16) {
            var d = gpu.context().device();
            Assumptions.assumeTrue(d.ccMajor() == 9 && d.ccMinor() == 0, "wgmma needs compute 9.0; this GPU is " + d.computeCapability());
        }
        if (v.isLibrary() && v.family().equals("conv2d")) Assumptions.assumeTrue(Cudnn.provider().library() != null, Cudnn.provider().reason());
        return gpu.with(KernelChoice.parse(v.family() + "=" + v.id()));
    }

    /** Runs on the GPU with host inputs (the backend uploads them) and compares the downloaded result. */
    private static void check(Tensor want, Tensor got, double tol) {
        assertEquals(DType.F32, got.dtype());
        assertRelL2(want, gpu.download(got), tol);
    }

    /** TF32 rounds operands to 10-bit mantissas, like fp16: the fp16 tolerance. */
    private static double convTol(KernelVariant v) {
        return v == Conv2dKernel.LIBRARY_TF32 || v == Conv2dKernel.LIBRARY_F16 ? 2e-3 : TOL;
    }

    private static double gemmTol(KernelVariant v) {
        if (v == GemmKernel.V4_WMMA_F16 || v == GemmKernel.V6_WGMMA_F16 || v == GemmKernel.LIBRARY_TF32 || v == GemmKernel.LIBRARY_F16) return 2e-3;
        return v == GemmKernel.V5_WMMA_BF16 || v == GemmKernel.LIBRARY_BF16 ? 1e-2 : TOL;
    }

    // ------------------------------------------------------------------ transfers

    @Test
    void uploadDownloadRoundTripsEveryDtypeBitForBit() {
        Tensor x = randn(1, 3, 5, 7);
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor h = x.to(dt);
            assertSameValues(h, gpu.download(gpu.upload(h)));
        }
        Tensor ids = Tensor.ofLongs(new long[] {1, -2, Long.MAX_VALUE}, 3);
        assertSameValues(ids, gpu.download(gpu.upload(ids)));
        Tensor view = randn(2, 4, 6).transpose(0, 1).slice(0, 1, 5);
        assertSameValues(view.contiguous(), gpu.download(gpu.upload(view)));
        Tensor empty = Tensor.zeros(DType.F32, 0, 5);
        assertArrayEquals(empty.shape(), gpu.download(gpu.upload(empty)).shape());
    }

    // ------------------------------------------------------------------ matrix products

    @ParameterizedTest
    @MethodSource("gemm")
    void matmulAllTransposesBiasAndC0(KernelVariant v) {
        Backend b = using(v);
        int[][] mnk = {{1, 1, 1}, {7, 33, 65}, {65, 7, 127}, {127, 65, 33}, {200, 96, 64}, {130, 257, 300}};
        long seed = 1;
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                Tensor a = ta ? randn(seed++, s[2], s[0]) : randn(seed++, s[0], s[2]);
                Tensor w = tb ? randn(seed++, s[1], s[2]) : randn(seed++, s[2], s[1]);
                Tensor bias = randn(seed++, s[1]), c0 = randn(seed++, s[0], s[1]);
                check(REF.matmul(a, ta, w, tb, 1f, null, null, 0f), b.matmul(a, ta, w, tb, 1f, null, null, 0f), gemmTol(v));
                check(REF.matmul(a, ta, w, tb, 0.7f, bias, c0, -1.5f), b.matmul(a, ta, w, tb, 0.7f, bias, c0, -1.5f), gemmTol(v));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("gemm")
    void batchedMatmulSharedOperandsViewsAndHalfWeights(KernelVariant v) {
        Backend b = using(v);
        double tol = gemmTol(v);
        Tensor a3 = randn(1, 3, 33, 17), b2 = randn(2, 17, 7), a2 = randn(3, 33, 17), b3 = randn(4, 3, 17, 7);
        Tensor c3 = randn(5, 3, 33, 7), c2 = randn(6, 33, 7), bias = randn(7, 7);
        check(REF.matmul(a3, b2), b.matmul(a3, b2), tol);
        check(REF.matmul(a2, b3), b.matmul(a2, b3), tol);
        check(REF.matmul(a3, false, b3, false, 2f, bias, c3, 0.5f), b.matmul(a3, false, b3, false, 2f, bias, c3, 0.5f), tol);
        check(REF.matmul(a3, false, b3, false, 1f, null, c2, 1f), b.matmul(a3, false, b3, false, 1f, null, c2, 1f), tol);
        Tensor q = randn(8, 8, 65, 16), k = randn(9, 8, 65, 16);
        check(REF.matmul(q.transpose(1, 2), true, k, true, 1f, null, null, 0f), b.matmul(gpu.upload(q).transpose(1, 2), true, k, true, 1f, null, null, 0f), tol);
        Tensor x = randn(10, 2, 81, 64), w = randn(11, 96, 64), wb = randn(12, 96);
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            check(REF.linear(x, w.to(dt), wb.to(dt)), b.linear(x, gpu.upload(w.to(dt)), wb.to(dt)), Math.max(tol, TOL));
        }
    }

    @ParameterizedTest
    @MethodSource("conv2d")
    void conv2dStridesPaddingsAndKernelSizes(KernelVariant v) {
        Backend b = using(v);
        int[][] cases = {{1, 3, 9, 9, 5, 3, 1, 1}, {2, 7, 16, 12, 33, 3, 1, 1}, {2, 8, 16, 16, 8, 3, 2, 1}, {1, 65, 5, 7, 3, 1, 1, 0}, {1, 4, 4, 4, 70, 3, 1, 0}};
        long seed = 20;
        for (int[] c : cases) {
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]), w = randn(seed++, c[4], c[1], c[5], c[5]), bias = randn(seed++, c[4]);
            check(REF.conv2d(x, w, bias, c[6], c[7]), b.conv2d(x, w, bias, c[6], c[7]), convTol(v));
            Tensor wh = w.to(DType.F16);
            check(REF.conv2d(x, wh, null, c[6], c[7]), b.conv2d(x, wh, null, c[6], c[7]), convTol(v));
        }
    }

    // ------------------------------------------------------------------ normalisation

    @ParameterizedTest
    @MethodSource("groupNorm")
    void groupNormWithFilmAndSilu(KernelVariant v) {
        Backend b = using(v);
        // {1, 320, 64, 64}: SR's few, large groups, which v3 splits over several blocks
        long[][] shapes = {{2, 32, 8, 8}, {1, 6, 1, 1}, {2, 12, 7, 5}, {2, 64, 33}, {1, 320, 16, 16}, {1, 320, 64, 64}};
        long seed = 40;
        for (long[] s : shapes) {
            int groups = s[1] % 32 == 0 ? 32 : (int) (s[1] / 2);
            Tensor x = uniform(seed++, 2f, 5f, s), g = randn(seed++, s[1]), bt = randn(seed++, s[1]);
            Tensor sc = randn(seed++, s[0], s[1]), sh = randn(seed++, s[0], s[1]);
            check(REF.groupNorm(x, groups, g, bt, 1e-5f, null, null, false), b.groupNorm(x, groups, g, bt, 1e-5f, null, null, false), TOL);
            check(REF.groupNorm(x, groups, g, bt, 1e-6f, sc, sh, true), b.groupNorm(x, groups, g, bt, 1e-6f, sc, sh, true), TOL);
            check(REF.groupNorm(x, groups, null, null, 1e-5f, null, null, true), b.groupNorm(x, groups, null, null, 1e-5f, null, null, true), TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("layerNorm")
    void layerNormOddAndModelWidths(KernelVariant v) {
        Backend b = using(v);
        long seed = 60;
        for (long[] s : new long[][] {{1, 1}, {3, 7}, {2, 81, 2048}, {154, 768}, {5, 33}}) {
            Tensor x = uniform(seed++, -3f, 10f, s), g = randn(seed++, s[s.length - 1]), bt = randn(seed++, s[s.length - 1]);
            check(REF.layerNorm(x, g, bt, 1e-5f), b.layerNorm(x, g, bt, 1e-5f), TOL);
            check(REF.layerNorm(x, null, null, 1e-5f), b.layerNorm(x, null, null, 1e-5f), TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("softmax")
    void softmaxWithBroadcastMask(KernelVariant v) {
        Backend b = using(v);
        Tensor x = randn(70, 2, 4, 81, 81).reshape(2, 4, 81, 81);
        float[] m = new float[81];
        for (int j = 60; j < 81; j++) m[j] = Float.NEGATIVE_INFINITY;
        Tensor mask = Tensor.of(m, 1, 1, 1, 81);
        check(REF.softmax(x, null), b.softmax(x, null), TOL);
        check(REF.softmax(x, mask), b.softmax(x, mask), TOL);
        for (long d : new long[] {1, 7, 33, 1000}) {
            Tensor y = uniform(71 + d, -20f, 20f, 3, d);
            check(REF.softmax(y, null), b.softmax(y, null), TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("attention")
    void attentionCausalMaskedAndContextKeys(KernelVariant v) {
        Backend b = using(v);
        long seed = 80;
        int[][] cases = {{2, 4, 81, 81, 64}, {1, 2, 7, 7, 16}, {2, 3, 33, 65, 40}, {1, 2, 64, 145, 64}, {1, 1, 5, 9, 160}};
        for (int[] c : cases) {
            Tensor q = randn(seed++, c[0], c[1], c[2], c[4]), k = randn(seed++, c[0], c[1], c[3], c[4]), val = randn(seed++, c[0], c[1], c[3], c[4]);
            float scale = (float) (1 / Math.sqrt(c[4]));
            float[] m = new float[c[0] * c[3]];
            for (int i = 0; i < m.length; i++) if (i % c[3] != 0 && i % 3 == 1) m[i] = Float.NEGATIVE_INFINITY;
            Tensor mask = Tensor.of(m, c[0], c[3]);
            double tol = v == AttentionKernel.V3_MMA_F16 ? 2e-3 : TOL; // fp16 Q, K, V and P
            check(REF.attention(q, k, val, null, false, scale), b.attention(q, k, val, null, false, scale), tol);
            check(REF.attention(q, k, val, mask, false, scale), b.attention(q, k, val, mask, false, scale), tol);
            check(REF.attention(q, k, val, null, true, scale), b.attention(q, k, val, null, true, scale), tol);
            check(REF.attention(q, k, val, mask, true, scale), b.attention(q, k, val, mask, true, scale), tol);
        }
    }

    @Test
    void fullyMaskedRowsThrowLikeTheReference() {
        Tensor x = randn(85, 2, 5);
        Tensor mask = Tensor.of(new float[] {0, 0, 0, 0, 0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2, 5);
        assertThrows(IllegalArgumentException.class, () -> REF.softmax(x, mask));
        for (KernelVariant v : KernelCatalog.variants("softmax")) assertThrows(IllegalArgumentException.class, () -> using(v).softmax(x, mask));
        Tensor q = randn(86, 2, 1, 3, 4), k = randn(87, 2, 1, 5, 4);
        for (KernelVariant v : KernelCatalog.variants("attention")) {
            assertThrows(IllegalArgumentException.class, () -> using(v).attention(q, k, k, mask, false, 0.5f));
            assertThrows(IllegalArgumentException.class, () -> using(v).attention(k, q, q, null, true, 0.5f));
        }
        assertThrows(IllegalArgumentException.class, () -> REF.attention(k, q, q, null, true, 0.5f));
    }

    // ------------------------------------------------------------------ activations and elementwise

    @ParameterizedTest
    @MethodSource("unary")
    void activationsAndScalarOps(KernelVariant v) {
        Backend b = using(v);
        for (long n : new long[] {1, 3, 4, 1023, 4096, 100_003}) {
            Tensor x = uniform(90 + n, -8f, 8f, n);
            check(REF.gelu(x), b.gelu(x), TOL);
            check(REF.quickGelu(x), b.quickGelu(x), TOL);
            check(REF.silu(x), b.silu(x), TOL);
            check(REF.exp(x), b.exp(x), TOL);
            check(REF.affine(x, 0.5f, -2f), b.affine(x, 0.5f, -2f), TOL);
            check(REF.clamp(x, -1f, 1f), b.clamp(x, -1f, 1f), TOL);
        }
        Tensor view = randn(91, 6, 5).transpose(0, 1);
        check(REF.silu(view), b.silu(view), TOL);
        check(REF.gelu(view.to(DType.BF16)), b.gelu(view.to(DType.BF16)), TOL);
        Tensor nan = Tensor.of(new float[] {Float.NaN, 5f, -5f}, 3);
        float[] got = gpu.download(b.clamp(nan, -1f, 1f)).toFloatArray();
        assertTrue(Float.isNaN(got[0]));
        assertEquals(1f, got[1]);
        assertEquals(-1f, got[2]);
    }

    @ParameterizedTest
    @MethodSource("binary")
    void broadcastingArithmetic(KernelVariant v) {
        Backend b = using(v);
        Tensor x = randn(100, 2, 320, 8, 8), y = randn(101, 2, 320, 8, 8), col = randn(102, 2, 320, 1, 1), row = randn(103, 8);
        check(REF.add(x, y), b.add(x, y), TOL);
        check(REF.sub(x, col), b.sub(x, col), TOL);
        check(REF.mul(row, x), b.mul(row, x), TOL);
        Tensor odd = randn(104, 7, 5), oddT = randn(105, 5, 7).transpose(0, 1);
        check(REF.add(odd, oddT), b.add(odd, oddT), TOL);
        check(REF.mul(odd.to(DType.F16), randn(106, 1, 5)), b.mul(odd.to(DType.F16), randn(106, 1, 5)), TOL);
    }

    // ------------------------------------------------------------------ layout and the rest

    @Test
    void layoutOps() {
        Tensor a = randn(110, 2, 3, 4), c = randn(111, 2, 5, 4);
        check(REF.concat(1, a, c), gpu.concat(1, a, c), 0);
        Tensor h = a.to(DType.F16);
        assertSameValues(REF.concat(0, h, h), gpu.download(gpu.concat(0, h, h)));
        Tensor p = randn(112, 2, 3, 4, 5).permute(3, 1, 0, 2);
        check(REF.contiguous(p), gpu.contiguous(p), 0);
        Tensor x = randn(113, 2, 3, 6, 8);
        check(REF.upsampleNearest2x(x), gpu.upsampleNearest2x(x), 0);
        check(REF.avgPool2x2(x), gpu.avgPool2x2(x), TOL);
    }

    @Test
    void embeddingWithIntAndLongIds() {
        Tensor table = randn(120, 49, 16);
        Tensor ids32 = Tensor.ofInts(new int[] {0, 48, 7, 7, 3, 1}, 2, 3);
        check(REF.embedding(table, ids32), gpu.embedding(table, ids32), 0);
        Tensor ids64 = Tensor.ofLongs(new long[] {5, 0, 48}, 3);
        check(REF.embedding(table.to(DType.BF16), ids64), gpu.embedding(table.to(DType.BF16), ids64), 0);
        assertThrows(IllegalArgumentException.class, () -> gpu.embedding(table, Tensor.ofLongs(new long[] {49}, 1)));
    }

    @Test
    void timestepEmbeddingMatchesTheFloat32Steps() {
        Tensor t = Tensor.ofLongs(new long[] {0, 1, 999, 500}, 4);
        for (int dim : new int[] {2, 7, 320, 1280}) check(REF.timestepEmbedding(t, dim), gpu.timestepEmbedding(t, dim), 1e-6);
        Tensor tf = Tensor.of(new float[] {0.5f, 17.25f}, 2);
        check(REF.timestepEmbedding(tf, 64), gpu.timestepEmbedding(tf, 64), 1e-6);
    }

    @Test
    void bicubicResizeBothModes() {
        Tensor x = uniform(130, 0f, 1f, 1, 3, 64, 64);
        for (boolean aa : new boolean[] {false, true}) {
            check(REF.resizeBicubic(x, 256, 256, aa), gpu.resizeBicubic(x, 256, 256, aa), TOL);
            check(REF.resizeBicubic(x, 24, 40, aa), gpu.resizeBicubic(x, 24, 40, aa), TOL);
            check(REF.resizeBicubic(x, 1, 1, aa), gpu.resizeBicubic(x, 1, 1, aa), TOL);
        }
    }

    @Test
    void conversionsRoundLikeTheHost() {
        Tensor x = randn(140, 1000).reshape(10, 100);
        for (DType from : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            for (DType to : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                Tensor src = x.to(from);
                assertSameValues(REF.convert(src, to), gpu.download(gpu.convert(src, to)));
            }
        }
    }

    @Test
    void philoxWordsAndNormalsAreBitExact() {
        long seed = 0x1234_5678_9abcL;
        Tensor words = gpu.philoxWords(seed, (1L << 32) - 3, 64);
        for (int i = 0; i < 64; i++) {
            long blk = (1L << 32) - 3 + i;
            int[] want = Philox.block((int) blk, (int) (blk >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
            for (int lane = 0; lane < 4; lane++) assertEquals(want[lane], (int) words.getLong(i, lane), "block " + blk + " lane " + lane);
        }
        // offsets past 2^32 blocks too: SeededNoise starts the decoder's and SR's streams at 2^40 and 2^41
        for (long offset : new long[] {0, 1, 3, 4, 1_000_001, (1L << 40) + 1, (2L << 40) + 3}) {
            assertArrayEquals(REF.randn(seed, offset, 3, 333).toFloatArray(), gpu.download(gpu.randn(seed, offset, 3, 333)).toFloatArray(),
                    "offset " + offset);
        }
        float[] many = REF.randn(7, 0, 1 << 20).toFloatArray(); // a million normals: rounding boundaries do occur
        assertArrayEquals(many, gpu.download(gpu.randn(7, 0, 1 << 20)).toFloatArray());
    }

    /** Seeded noise for several pictures (one randn per picture, its rows interleaved by concat on the device): the CPU's bits. */
    @Test
    void seededNoiseForSeveralPicturesIsTheCpusBits() {
        SeededNoise onGpu = new SeededNoise(gpu, 41, 3), onCpu = new SeededNoise(REF, 41, 3);
        for (String stage : new String[] {"prior", "decoder", "decoder", "sr"}) {
            long[] shape = stage.equals("prior") ? new long[] {6, 37} : new long[] {6, 3, 9, 9};
            assertArrayEquals(onCpu.next(stage, shape).toFloatArray(), gpu.download(onGpu.next(stage, shape)).toFloatArray(), stage);
        }
    }

    @Test
    void measuredPeaksArePlausible() {
        DevicePeak p = DevicePeak.of(gpu.context());
        assertTrue(p.fp32Gflops() > 1_000 && p.fp32Gflops() < 500_000, "FP32 peak " + p.fp32Gflops() + " GFLOP/s");
        assertTrue(p.dramGBs() > 100 && p.dramGBs() < 50_000, "DRAM peak " + p.dramGBs() + " GB/s");
    }

    @Test
    void allocatorReusesFreedDeviceMemory() throws InterruptedException {
        DeviceAllocator alloc = gpu.context().allocator();
        gpu.upload(randn(150, 1000)); // unreachable at once: its block returns at the next allocation after a GC
        System.gc();
        Thread.sleep(50);
        long hits = alloc.stats().cacheHits();
        Tensor again = gpu.upload(randn(151, 1000));
        assertEquals(hits + 1, alloc.stats().cacheHits());
        assertArrayEquals(randn(151, 1000).toFloatArray(), gpu.download(again).toFloatArray());
    }

    @Test
    void scopedTensorsGiveTheirBlocksBackWhenTheScopeCloses() {
        DeviceAllocator alloc = gpu.context().allocator();
        Tensor x = gpu.upload(randn(152, 64, 1000)), kept, dropped;
        try (TensorScope scope = TensorScope.open()) {
            dropped = gpu.silu(x);
            kept = scope.keep(gpu.affine(x, 2f, 0f));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gpu.download(dropped));
        assertTrue(e.getMessage().contains("TensorScope"), e.getMessage());
        assertArrayEquals(REF.affine(randn(152, 64, 1000), 2f, 0f).toFloatArray(), gpu.download(kept).toFloatArray());
        long hits = alloc.stats().cacheHits();
        for (int i = 0; i < 2; i++) {
            try (TensorScope scope = TensorScope.open()) {
                gpu.download(gpu.silu(x)); // the dropped tensor's block, back in the cache, serves this one
            }
        }
        assertEquals(hits + 2, alloc.stats().cacheHits(), "each scope gave the block back for the next");
    }
}
