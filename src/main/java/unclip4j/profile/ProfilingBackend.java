package unclip4j.profile;

import java.util.function.Function;
import java.util.function.Supplier;
import unclip4j.backend.Backend;
import unclip4j.nn.WeightNames;
import unclip4j.tensor.DType;
import unclip4j.tensor.Device;
import unclip4j.tensor.Tensor;

/**
 * A {@link Backend} that runs every op on another backend and records its time, calls, FLOPs and
 * bytes in a {@link Profiler}, attributed to the module of the weight it reads ({@link WeightNames}).
 * Results are those of the wrapped backend, bit for bit.
 */
public final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Profiler profiler;
    private final OpTimer timer;

    public ProfilingBackend(Backend inner, Profiler profiler, OpTimer timer) {
        this.inner = inner;
        this.profiler = profiler;
        this.timer = timer;
    }

    private Tensor run(String op, Supplier<Tensor> call, Function<Tensor, OpCost> cost, Tensor... inputs) {
        String module = profiler.module(weightModule(inputs));
        long startNanos = System.nanoTime();
        Object started = timer.start();
        Tensor out = call.get();
        double millis = timer.stop(started);
        profiler.record(op, module, startNanos, millis, cost.apply(out));
        return out;
    }

    /** The module of the first input that is a loaded weight, or null. */
    private static String weightModule(Tensor... inputs) {
        for (Tensor t : inputs) {
            String key = t == null ? null : WeightNames.keyOf(t);
            if (key != null) return WeightNames.module(key);
        }
        return null;
    }

    private Tensor memoryOp(String op, Supplier<Tensor> call, Tensor... inputs) {
        return run(op, call, out -> OpCost.memory(out, inputs), inputs);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public Tensor upload(Tensor host) {
        return memoryOp("upload", () -> inner.upload(host), host);
    }

    @Override
    public Tensor download(Tensor t) {
        return memoryOp("download", () -> inner.download(t), t);
    }

    @Override
    public Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, float alpha, Tensor bias, Tensor c0, float beta) {
        return run("matmul", () -> inner.matmul(a, transA, b, transB, alpha, bias, c0, beta),
                out -> OpCost.matmul(a, transA, b, transB, bias, c0, out), b, a, bias);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return run("conv2d", () -> inner.conv2d(x, w, bias, stride, padding), out -> OpCost.conv2d(x, w, bias, out), w, bias);
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, Tensor scale, Tensor shift, boolean silu) {
        return memoryOp("groupNorm", () -> inner.groupNorm(x, groups, gamma, beta, eps, scale, shift, silu), gamma, beta, x, scale, shift);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return memoryOp("layerNorm", () -> inner.layerNorm(x, gamma, beta, eps), gamma, beta, x);
    }

    @Override
    public Tensor softmax(Tensor x, Tensor mask) {
        return memoryOp("softmax", () -> inner.softmax(x, mask), x, mask);
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale) {
        return run("attention", () -> inner.attention(q, k, v, keyMask, causal, scale),
                out -> OpCost.attention(q, k, v, keyMask, out), q, k, v);
    }

    @Override
    public Tensor gelu(Tensor x) {
        return memoryOp("gelu", () -> inner.gelu(x), x);
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return memoryOp("quickGelu", () -> inner.quickGelu(x), x);
    }

    @Override
    public Tensor silu(Tensor x) {
        return memoryOp("silu", () -> inner.silu(x), x);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return memoryOp("add", () -> inner.add(a, b), a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return memoryOp("sub", () -> inner.sub(a, b), a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return memoryOp("mul", () -> inner.mul(a, b), a, b);
    }

    @Override
    public Tensor affine(Tensor x, float a, float b) {
        return memoryOp("affine", () -> inner.affine(x, a, b), x);
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return memoryOp("clamp", () -> inner.clamp(x, lo, hi), x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return memoryOp("exp", () -> inner.exp(x), x);
    }

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        return memoryOp("concat", () -> inner.concat(dim, xs), xs);
    }

    @Override
    public Tensor contiguous(Tensor x) {
        return memoryOp("contiguous", () -> inner.contiguous(x), x);
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        // only the rows looked up are read, not the whole table
        return run("embedding", () -> inner.embedding(table, ids), out -> OpCost.memory(out, ids, out), table, ids);
    }

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        return memoryOp("upsampleNearest2x", () -> inner.upsampleNearest2x(x), x);
    }

    @Override
    public Tensor avgPool2x2(Tensor x) {
        return memoryOp("avgPool2x2", () -> inner.avgPool2x2(x), x);
    }

    @Override
    public Tensor timestepEmbedding(Tensor t, int dim) {
        return memoryOp("timestepEmbedding", () -> inner.timestepEmbedding(t, dim), t);
    }

    @Override
    public Tensor resizeBicubic(Tensor x, int outH, int outW, boolean antialias) {
        return memoryOp("resizeBicubic", () -> inner.resizeBicubic(x, outH, outW, antialias), x);
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        return memoryOp("convert", () -> inner.convert(x, dtype), x);
    }

    @Override
    public Tensor randn(long seed, long offset, long... shape) {
        return run("randn", () -> inner.randn(seed, offset, shape), OpCost::memory);
    }

    @Override
    public void close() {
        inner.close();
    }
}
