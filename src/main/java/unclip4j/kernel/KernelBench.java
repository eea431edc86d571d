package unclip4j.kernel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.Nvtx;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * The kernel workshop behind {@code unclip4j bench kernels}: for one family, at shapes the model runs
 * (named by where they occur; batch 2 because classifier-free guidance runs both halves together),
 * every variant is first checked against {@link ReferenceOps} on fresh random inputs, then timed
 * with {@link KernelTimer}, and reported with napkin math: GFLOP/s for compute-bound ops, GB/s
 * (ideal traffic: each input read once, the output written once) for memory-bound ones, % of the
 * device's peak, and % of the library provider where one exists.
 */
public final class KernelBench {
    private static final int ROTATE = 3;

    /** One problem: inputs, the op, its cost, and how close a variant must come to the reference. */
    record Case(String site, String shape, List<Tensor> inputs, Function<Args, Tensor> op, double flops, double bytes,
                double atol, double rtol) {
        boolean computeBound() {
            return flops / bytes > 10;
        }
    }

    /** The backend and the (device or host) inputs an op runs on. */
    record Args(Backend backend, List<Tensor> in) {
        Tensor get(int i) {
            return in.get(i);
        }
    }

    /** Families that have bench cases. */
    public static final List<String> FAMILIES = List.of("gemm", "conv2d", "attention", "group_norm", "layer_norm", "softmax", "unary", "binary");

    private static final Map<String, List<long[]>> SITES = Map.of(
            "gemm", List.of(new long[] {162, 6144, 2048}, new long[] {162, 8192, 2048}, new long[] {154, 3072, 768}),
            "conv2d", List.of(new long[] {2, 3, 64, 64, 320, 3}, new long[] {2, 1280, 8, 8, 1280, 3}),
            "attention", List.of(new long[] {2, 32, 81, 81, 64}, new long[] {2, 10, 1024, 1105, 64}),
            "group_norm", List.of(new long[] {2, 320, 64, 64}, new long[] {2, 1280, 8, 8}),
            "layer_norm", List.of(new long[] {162, 2048}, new long[] {154, 768}),
            "softmax", List.of(new long[] {2 * 32 * 81, 81}),
            "unary", List.of(new long[] {162L * 8192}),
            "binary", List.of(new long[] {2L * 320 * 64 * 64}));

    private static final Map<String, List<String>> SITE_NAMES = Map.of(
            "gemm", List.of("prior c_qkv (2×81 tokens, 2048→6144)", "prior mlp.c_fc (2048→8192)", "clip text mlp.c_fc (2×77, 768→3072)"),
            "conv2d", List.of("decoder input_blocks.0 (3→320, 64²)", "decoder 8² ResBlock conv (1280→1280)"),
            "attention", List.of("prior self-attention (32 heads, 81 tokens, causal)", "decoder 32² attention (10 heads, 81 context + 1024 keys)"),
            "group_norm", List.of("decoder input_blocks.1 (320 ch, 64²) +FiLM+SiLU", "decoder 8² (1280 ch) +FiLM+SiLU"),
            "layer_norm", List.of("prior ln (2×81, 2048)", "clip text ln (2×77, 768)"),
            "softmax", List.of("prior attention scores (2·32·81 rows of 81)"),
            "unary", List.of("prior mlp gelu (2×81×8192)"),
            "binary", List.of("decoder residual add (2, 320, 64, 64)"));

    private KernelBench() {}

    /** Runs the workshop; returns false when a variant failed its check. */
    public static boolean run(CudaBackend gpu, String family, String variantToken, long[] shape, int warmup, int runs, PrintStream out) {
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("no bench cases for '" + family + "'; benchable: " + String.join(", ", FAMILIES));
        }
        List<KernelVariant> variants = variantToken == null ? KernelCatalog.variants(family) : List.of(KernelCatalog.find(family, variantToken));
        List<long[]> shapes = shape == null ? SITES.get(family) : List.of(shape);
        ReferenceOps ref = new ReferenceOps();
        boolean allOk = true;
        DevicePeak peak0 = DevicePeak.of(gpu.context());
        out.printf("measured peak: %.1f GFLOP/s FP32 (FMA probe), %.1f GB/s DRAM (device copy)%n", peak0.fp32Gflops(), peak0.dramGBs());
        for (int s = 0; s < shapes.size(); s++) {
            String site = shape == null ? SITE_NAMES.get(family).get(s) : "--shape " + Arrays.toString(shape);
            List<Case> rotated = new ArrayList<>();
            for (int r = 0; r < ROTATE; r++) rotated.add(makeCase(family, site, shapes.get(s), 1000L * s + r));
            Case c0 = rotated.getFirst();
            out.printf("%n%s  %s  %s  %s/call  %s%n", family, c0.site(), c0.shape(),
                    c0.computeBound() ? String.format("%.3f GFLOP", c0.flops() / 1e9) : String.format("%.1f MB", c0.bytes() / 1e6), gpu.context().device().name());
            out.printf("%-16s %10s %10s %6s %12s %8s %10s  %s%n", "variant", "median ms", "min ms", "batch", c0.computeBound() ? "GFLOP/s" : "GB/s", "% peak", "% library", "check");
            float[] want = c0.op().apply(new Args(ref, c0.inputs())).toFloatArray();
            Double libraryMs = null;
            for (KernelVariant v : variants) {
                CudaBackend b = gpu.with(KernelChoice.parse(family + "=" + v.id()));
                List<List<Tensor>> dev = new ArrayList<>();
                for (Case c : rotated) dev.add(c.inputs().stream().map(b::upload).toList());
                KernelCheck.Result check;
                try {
                    float[] got = b.download(c0.op().apply(new Args(b, dev.getFirst()))).toFloatArray();
                    double widen = operandRounding(v);
                    check = KernelCheck.compare(want, got, widen * c0.atol(), widen * c0.rtol());
                } catch (IllegalStateException e) {
                    out.printf("%-16s unavailable: %s%n", v.id(), e.getMessage());
                    continue;
                }
                if (!check.ok()) {
                    out.printf("%-16s %s%n", v.id(), check.summary());
                    allOk = false;
                    continue;
                }
                KernelTimer.Timing t;
                try (Nvtx.Range range = Nvtx.range("bench " + family + " " + v.id())) {
                    // each call in its own scope, as the pipeline's layers run: its output and temporaries go
                    // back to the device cache for the next call instead of waiting for the garbage collector
                    t = KernelTimer.time(gpu.context(), warmup, runs, i -> {
                        try (TensorScope call = TensorScope.open()) {
                            c0.op().apply(new Args(b, dev.get(i % ROTATE)));
                        }
                    });
                }
                double perSec = (c0.computeBound() ? c0.flops() : c0.bytes()) / (t.medianMs() * 1e-3) / 1e9;
                DevicePeak measured = DevicePeak.of(gpu.context());
                double peak = c0.computeBound() ? measured.fp32Gflops() : measured.dramGBs();
                if (v.id().equals("library")) libraryMs = t.medianMs(); // % library: against the fp32 library call
                out.printf("%-16s %10.4f %10.4f %6d %12.1f %8s %10s  %s%n", v.id(), t.medianMs(), t.minMs(), t.callsPerBatch(), perSec,
                        peak > 0 ? String.format("%.1f", 100 * perSec / peak) : "n/a",
                        libraryMs != null ? String.format("%.1f", 100 * libraryMs / t.medianMs()) : "-", check.summary());
            }
        }
        return allOk;
    }

    /**
     * How much looser than fp32 the check is for a variant that rounds its operands: the error of a
     * K-term dot product grows with the unit roundoff u of the operand format, u = 2^-11 for fp16
     * and tf32 (30× the fp32 bound) and 2^-8 for bf16, 8× coarser again (240×). Attention in fp16
     * gets 300×: each output is an average of V's rows, so V's rounding leaves an absolute error of
     * a few u·|V| (up to 1.4e-3 at the prior's shape, in an emulation of v3) however small the output,
     * and attention's fp32 bound (atol 1e-5) is 10× tighter than the GEMM's.
     */
    static double operandRounding(KernelVariant v) {
        if (v.id().contains("bf16")) return 240;
        if (v.id().contains("f16") && v.family().equals("attention")) return 300;
        return v.id().contains("f16") || v.id().contains("tf32") ? 30 : 1;
    }

    /** Inputs of one family at one shape, from a seeded RNG. */
    static Case makeCase(String family, String site, long[] s, long seed) {
        Random r = new Random(seed);
        String dims = Arrays.toString(s);
        return switch (family) {
            case "gemm" -> {
                long m = s[0], n = s[1], k = s[2];
                yield new Case(site, "M=" + m + " N=" + n + " K=" + k, List.of(rand(r, 1, m, k), rand(r, 1 / Math.sqrt(k), n, k), rand(r, 1, n)),
                        a -> a.backend().matmul(a.get(0), false, a.get(1), true, 1f, a.get(2), null, 0f),
                        2.0 * m * n * k, 4.0 * (m * k + n * k + m * n + n), 1e-4, 1e-3);
            }
            case "conv2d" -> {
                long nb = s[0], c = s[1], h = s[2], w = s[3], o = s[4], k = s[5];
                yield new Case(site, "x" + Shape.toString(new long[] {nb, c, h, w}) + " w" + Shape.toString(new long[] {o, c, k, k}),
                        List.of(rand(r, 1, nb, c, h, w), rand(r, 1 / Math.sqrt(c * k * k), o, c, k, k), rand(r, 1, o)),
                        a -> a.backend().conv2d(a.get(0), a.get(1), a.get(2), 1, (int) k / 2),
                        2.0 * nb * o * h * w * c * k * k, 4.0 * (nb * c * h * w + o * c * k * k + nb * o * h * w), 1e-4, 1e-3);
            }
            case "attention" -> {
                long b = s[0], h = s[1], tq = s[2], tk = s[3], d = s[4];
                boolean causal = tq == tk;
                float[] mask = new float[(int) (b * tk)];
                for (int i = 0; i < mask.length; i++) if (i % tk > 0 && r.nextInt(10) == 0) mask[i] = Float.NEGATIVE_INFINITY;
                yield new Case(site, "q[" + b + "," + h + "," + tq + "," + d + "] keys " + tk + (causal ? " causal" : ""),
                        List.of(rand(r, 1, b, h, tq, d), rand(r, 1, b, h, tk, d), rand(r, 1, b, h, tk, d), Tensor.of(mask, b, tk)),
                        a -> a.backend().attention(a.get(0), a.get(1), a.get(2), a.get(3), causal, (float) (1 / Math.sqrt(d))),
                        4.0 * b * h * tq * tk * d, 4.0 * b * h * (2 * tq * d + 2 * tk * d), 1e-5, 1e-4);
            }
            case "group_norm" -> {
                long nb = s[0], c = s[1];
                yield new Case(site, dims + " G=32", List.of(rand(r, 1, s), rand(r, 1, c), rand(r, 1, c), rand(r, 0.1, nb, c), rand(r, 0.1, nb, c)),
                        a -> a.backend().groupNorm(a.get(0), 32, a.get(1), a.get(2), 1e-5f, a.get(3), a.get(4), true),
                        10.0 * Shape.numel(s), 8.0 * Shape.numel(s), 1e-5, 1e-4);
            }
            case "layer_norm" -> new Case(site, dims, List.of(rand(r, 1, s), rand(r, 1, s[1]), rand(r, 1, s[1])),
                    a -> a.backend().layerNorm(a.get(0), a.get(1), a.get(2), 1e-5f), 8.0 * Shape.numel(s), 8.0 * Shape.numel(s), 1e-5, 1e-4);
            case "softmax" -> new Case(site, dims, List.of(rand(r, 3, s)), a -> a.backend().softmax(a.get(0), null),
                    5.0 * Shape.numel(s), 8.0 * Shape.numel(s), 1e-6, 1e-4);
            case "unary" -> new Case(site, "gelu n=" + s[0], List.of(rand(r, 2, s)), a -> a.backend().gelu(a.get(0)),
                    20.0 * s[0], 8.0 * s[0], 1e-6, 1e-5);
            case "binary" -> new Case(site, "add n=" + s[0], List.of(rand(r, 1, s), rand(r, 1, s)), a -> a.backend().add(a.get(0), a.get(1)),
                    s[0], 12.0 * s[0], 1e-6, 1e-6);
            default -> throw new IllegalArgumentException("no bench case for " + family);
        };
    }

    private static Tensor rand(Random r, double scale, long... shape) {
        float[] v = new float[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (scale * r.nextGaussian());
        return Tensor.of(v, shape);
    }
}
