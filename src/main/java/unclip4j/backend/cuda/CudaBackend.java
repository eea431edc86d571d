package unclip4j.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import unclip4j.backend.Backend;
import unclip4j.backend.OpShapes;
import unclip4j.backend.cuda.kernels.AttentionKernel;
import unclip4j.backend.cuda.kernels.Conv2dKernel;
import unclip4j.backend.cuda.kernels.ElementwiseKernel;
import unclip4j.backend.cuda.kernels.GemmKernel;
import unclip4j.backend.cuda.kernels.GroupNormKernel;
import unclip4j.backend.cuda.kernels.LayerNormKernel;
import unclip4j.backend.cuda.kernels.PhiloxKernel;
import unclip4j.backend.cuda.kernels.ResizeKernel;
import unclip4j.backend.cuda.kernels.SoftmaxKernel;
import unclip4j.backend.cuda.kernels.TimestepEmbeddingKernel;
import unclip4j.kernel.KernelChoice;
import unclip4j.profile.OpTimer;
import unclip4j.tensor.DType;
import unclip4j.tensor.Device;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * The GPU backend: every {@link Backend} op as one or a few kernel launches on one stream, with the
 * variant of each kernel family picked by a {@link KernelChoice}. Outputs are fresh device tensors
 * from the caching allocator; host tensors passed in are uploaded first, and F16/BF16 inputs are
 * widened to F32 on the device (one conversion pass) before kernels that read F32.
 *
 * <p>A fully masked softmax row, or a query that sees no key, throws like ReferenceOps: the kernels
 * raise a device flag that is read back after the launch (one synchronisation: always for softmax,
 * for attention only when a key mask is given, since otherwise only the shapes can hide every key).
 * Philox normals are bit-identical to the CPU's (kernels/portable_math.cuh).
 */
public final class CudaBackend implements Backend, OpTimer.Source {
    /** The context and the library handles, shared by backends that differ only in kernel choice. */
    private static final class Shared {
        final CudaContext ctx;
        Cublas cublas;
        Cudnn cudnn;

        Shared(CudaContext ctx) {
            this.ctx = ctx;
        }
    }

    private final Shared shared;
    private final CudaContext ctx;
    private final KernelChoice choice;
    private final boolean owner;

    private CudaBackend(Shared shared, KernelChoice choice, boolean owner) {
        this.shared = shared;
        this.ctx = shared.ctx;
        this.choice = choice;
        this.owner = owner;
    }

    /** Opens GPU 0; IllegalStateException with the reason when CUDA is unavailable. */
    public static CudaBackend open(KernelChoice choice) {
        return new CudaBackend(new Shared(CudaContext.open()), choice, true);
    }

    /** The same GPU, memory and stream with another kernel choice (the bench compares variants this way); closing it is a no-op. */
    public CudaBackend with(KernelChoice other) {
        return new CudaBackend(shared, other, false);
    }

    public static CudaBackend open() {
        return open(KernelChoice.defaults());
    }

    @Override
    public String name() {
        return "cuda (" + ctx.device().name() + ")";
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    public CudaContext context() {
        return ctx;
    }

    public KernelChoice kernels() {
        return choice;
    }

    /** The cuBLAS handle, opened on first use; IllegalStateException with the reason when cuBLAS is absent. */
    public Cublas cublas() {
        synchronized (shared) {
            if (shared.cublas == null) shared.cublas = Cublas.open(ctx);
            return shared.cublas;
        }
    }

    /** The cuDNN handle, opened on first use; IllegalStateException with the reason when cuDNN is absent. */
    public Cudnn cudnn() {
        synchronized (shared) {
            if (shared.cudnn == null) shared.cudnn = Cudnn.open(ctx);
            return shared.cudnn;
        }
    }

    // ------------------------------------------------------------------ helpers for launchers

    public static Launch.Ptr ptr(Tensor t) {
        return new Launch.Ptr(CudaStorage.address(t));
    }

    public static Launch.Ptr ptrOrNull(Tensor t) {
        return t == null ? Launch.Ptr.NULL : ptr(t);
    }

    /** A view's shape and strides as the kernels' Layout struct. */
    public static long[] layout(Tensor t) {
        return Layout.of(t);
    }

    /** A fresh contiguous device tensor (contents undefined). */
    public Tensor empty(DType dtype, long... shape) {
        long bytes = Math.multiplyExact(Shape.numel(shape), dtype.byteSize());
        return new Tensor(ctx.allocate(bytes), dtype, 0, shape, Shape.contiguousStrides(shape));
    }

    // ------------------------------------------------------------------ transfers

    @Override
    public Tensor upload(Tensor host) {
        if (host.device() == Device.CUDA) return host;
        Tensor src = host.contiguous();
        Tensor out = empty(src.dtype(), src.shape());
        if (src.byteSize() > 0) ctx.copyToDevice(src.segment(), CudaStorage.address(out));
        return out;
    }

    @Override
    public Tensor download(Tensor t) {
        if (t.device() == Device.CPU) return t;
        Tensor src = contiguous(t);
        Tensor out = Tensor.zeros(src.dtype(), src.shape());
        if (src.byteSize() > 0) {
            MemorySegment dst = out.segment();
            ctx.copyToHost(CudaStorage.address(src), dst);
        }
        return out;
    }

    // ------------------------------------------------------------------ matrix products

    @Override
    public Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, float alpha, Tensor bias, Tensor c0, float beta) {
        OpShapes.Matmul mm = OpShapes.matmul(a, transA, b, transB, bias, c0);
        Tensor out = empty(DType.F32, mm.outShape());
        if (out.numel() == 0) return out; // a launch with an empty grid fails
        GemmKernel k = (GemmKernel) choice.resolve("gemm");
        boolean half = k.halfOperands() != null; // reads 16-bit operands itself: no widening pass
        k.launch(this, out, half ? upload(a) : f32(a), transA, half ? upload(b) : f32(b), transB, alpha, f32c(bias), f32c(c0), beta, mm);
        return out;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        long[] os = OpShapes.conv2d(x, w, bias, stride, padding);
        Tensor out = empty(DType.F32, os);
        if (out.numel() == 0) return out;
        Conv2dKernel k = (Conv2dKernel) choice.resolve("conv2d");
        boolean half = k.halfOperands() != null; // reads 16-bit operands itself: no widening pass
        k.launch(this, out, half ? contiguous(x) : f32c(x), half ? contiguous(w) : f32c(w), f32c(bias), stride, padding);
        return out;
    }

    // ------------------------------------------------------------------ normalisation

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, Tensor scale, Tensor shift, boolean silu) {
        OpShapes.groupNorm(x, groups, gamma, beta, scale, shift);
        Tensor xc = f32c(x), out = empty(DType.F32, x.shape());
        if (out.numel() == 0) return out;
        ((GroupNormKernel) choice.resolve("group_norm")).launch(this, out, xc, groups, f32c(gamma), f32c(beta), eps, f32c(scale), f32c(shift), silu);
        return out;
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        OpShapes.layerNorm(x, gamma, beta);
        Tensor xc = f32c(x), out = empty(DType.F32, x.shape());
        if (out.numel() == 0) return out;
        ((LayerNormKernel) choice.resolve("layer_norm")).launch(this, out, xc, f32c(gamma), f32c(beta), eps);
        return out;
    }

    @Override
    public Tensor softmax(Tensor x, Tensor mask) {
        OpShapes.softmax(x, mask);
        Tensor in = mask == null ? f32c(x) : add(x, mask);
        Tensor out = empty(DType.F32, x.shape());
        if (out.numel() == 0) return out;
        Tensor flag = newFlag();
        ((SoftmaxKernel) choice.resolve("softmax")).launch(this, out, in, flag);
        if (isSet(flag)) throw new IllegalArgumentException(FULLY_MASKED);
        return out;
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale) {
        long[] os = OpShapes.attention(q, k, v, keyMask);
        // causal with fewer keys than queries: the first Tq - Tk queries see nothing, whatever the data
        if (causal && k.size(2) < q.size(2) || k.size(2) == 0 && q.size(2) > 0) throw new IllegalArgumentException(FULLY_MASKED);
        Tensor out = empty(DType.F32, os);
        if (out.numel() == 0) return out;
        Tensor flag = keyMask == null ? null : newFlag();
        ((AttentionKernel) choice.resolve("attention")).launch(this, out, f32c(q), f32c(k), f32c(v), f32c(keyMask), causal, scale, flag);
        if (flag != null && isSet(flag)) throw new IllegalArgumentException(FULLY_MASKED);
        return out;
    }

    // ------------------------------------------------------------------ activations and elementwise

    @Override
    public Tensor gelu(Tensor x) {
        return unary(x, ElementwiseKernel.GELU, 0, 0);
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return unary(x, ElementwiseKernel.QUICK_GELU, 0, 0);
    }

    @Override
    public Tensor silu(Tensor x) {
        return unary(x, ElementwiseKernel.SILU, 0, 0);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(a, b, ElementwiseKernel.ADD);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary(a, b, ElementwiseKernel.SUB);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary(a, b, ElementwiseKernel.MUL);
    }

    @Override
    public Tensor affine(Tensor x, float a, float b) {
        return unary(x, ElementwiseKernel.AFFINE, a, b);
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return unary(x, ElementwiseKernel.CLAMP, lo, hi);
    }

    @Override
    public Tensor exp(Tensor x) {
        return unary(x, ElementwiseKernel.EXP, 0, 0);
    }

    private Tensor unary(Tensor x, int op, float a, float b) {
        OpShapes.requireFloat(x, "input");
        Tensor xc = f32c(x), out = empty(DType.F32, x.shape());
        if (out.numel() > 0) ((ElementwiseKernel) choice.resolve("unary")).unary(this, out, xc, op, a, b);
        return out;
    }

    private Tensor binary(Tensor a, Tensor b, int op) {
        long[] os = Shape.broadcast(a.shape(), b.shape());
        Tensor out = empty(DType.F32, os);
        if (out.numel() > 0) ((ElementwiseKernel) choice.resolve("binary")).binary(this, out, f32(a).expand(os), f32(b).expand(os), op);
        return out;
    }

    // ------------------------------------------------------------------ layout

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        long[] os = OpShapes.concat(dim, xs);
        int d = xs[0].axis(dim);
        Tensor out = empty(xs[0].dtype(), os);
        long at = 0;
        for (Tensor x : xs) {
            ElementwiseKernel.copy(this, out.slice(d, at, at + x.size(d)), upload(x));
            at += x.size(d);
        }
        return out;
    }

    @Override
    public Tensor contiguous(Tensor x) {
        Tensor src = upload(x);
        if (src.isContiguous()) return src;
        Tensor out = empty(src.dtype(), src.shape());
        ElementwiseKernel.copy(this, out, src);
        return out;
    }

    /** Ids are checked on the host (they are few: token ids), then gathered on the device. */
    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        long[] os = OpShapes.embedding(table, ids);
        long[] idv = download(ids).toLongArray();
        for (long id : idv) OpShapes.embeddingId(id, table);
        Tensor out = empty(DType.F32, os);
        if (idv.length > 0) ElementwiseKernel.embedding(this, out, f32c(table), upload(Tensor.ofLongs(idv, idv.length)));
        return out;
    }

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        long[] os = OpShapes.upsampleNearest2x(x);
        Tensor out = empty(DType.F32, os);
        if (out.numel() > 0) ElementwiseKernel.upsampleNearest2x(this, out, f32c(x));
        return out;
    }

    @Override
    public Tensor avgPool2x2(Tensor x) {
        long[] os = OpShapes.avgPool2x2(x);
        Tensor out = empty(DType.F32, os);
        if (out.numel() > 0) ElementwiseKernel.avgPool2x2(this, out, f32c(x));
        return out;
    }

    /** Timesteps are widened to float32 on the host exactly as the reference does, then the kernel runs. */
    @Override
    public Tensor timestepEmbedding(Tensor t, int dim) {
        OpShapes.timestepEmbedding(t, dim);
        Tensor host = download(t);
        float[] tf = new float[host.dim(0)];
        for (int n = 0; n < tf.length; n++) tf[n] = host.dtype() == DType.F32 ? host.getFloat(n) : (float) host.getLong(n);
        Tensor out = empty(DType.F32, tf.length, dim);
        if (out.numel() > 0) TimestepEmbeddingKernel.V1_NAIVE.launch(this, out, upload(Tensor.of(tf, tf.length)), dim);
        return out;
    }

    @Override
    public Tensor resizeBicubic(Tensor x, int outH, int outW, boolean antialias) {
        long[] os = OpShapes.resizeBicubic(x, outH, outW);
        Tensor out = empty(DType.F32, os);
        if (out.numel() > 0) ResizeKernel.V1_NAIVE.launch(this, out, f32c(x), antialias);
        return out;
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        OpShapes.convert(x, dtype);
        Tensor src = contiguous(x);
        if (src.dtype() == dtype) return src == x ? copyOf(src) : src;
        if (src.dtype() != DType.F32 && dtype != DType.F32) return convert(convert(src, DType.F32), dtype);
        Tensor out = empty(dtype, src.shape());
        if (out.numel() > 0) ElementwiseKernel.convert(this, out, src);
        return out;
    }

    @Override
    public Tensor randn(long seed, long offset, long... shape) {
        OpShapes.randn(offset, shape);
        Tensor out = empty(DType.F32, shape);
        if (out.numel() > 0) PhiloxKernel.randn(this, out, seed, offset);
        return out;
    }

    /** Raw Philox words of blocks [b0, b0 + count) as a host I32 tensor [count, 4] (test hook for the RNG kernel). */
    public Tensor philoxWords(long seed, long b0, int count) {
        Tensor out = empty(DType.I32, count, 4);
        PhiloxKernel.words(this, out, seed, b0, count);
        return download(out);
    }

    /** Waits until every queued kernel has finished. */
    public void synchronize() {
        ctx.synchronize();
    }

    /**
     * For {@code --profile}: each op timed by a pair of CUDA events on this backend's stream (device
     * time, not host time; launches are asynchronous). The stop event is waited for, so profiling
     * serialises the host with the GPU, as any per-op timing must.
     */
    @Override
    public OpTimer opTimer() {
        CudaEvents events = new CudaEvents(ctx);
        return new OpTimer() {
            @Override
            public Object start() {
                events.start();
                return events;
            }

            @Override
            public double stop(Object started) {
                return ((CudaEvents) started).stopMillis();
            }
        };
    }

    @Override
    public void close() {
        if (!owner) return;
        synchronized (shared) {
            if (shared.cublas != null) shared.cublas.close();
            if (shared.cudnn != null) shared.cudnn.close();
            ctx.close();
        }
    }

    // ------------------------------------------------------------------ input preparation

    /** ReferenceOps' message for a row without a distribution. */
    private static final String FULLY_MASKED = "softmax row fully masked (all -inf): no distribution";

    /** A zeroed I32 device flag for kernels that report a condition. */
    private Tensor newFlag() {
        Tensor flag = empty(DType.I32, 1);
        ctx.zero(CudaStorage.address(flag), 4);
        return flag;
    }

    /** Waits for the queued work and reads the flag (into a per-thread word: no host tensor per check). */
    private boolean isSet(Tensor flag) {
        MemorySegment word = FLAG_WORD.get();
        ctx.copyToHost(CudaStorage.address(flag), word);
        return word.get(ValueLayout.JAVA_INT, 0) != 0;
    }

    private static final ThreadLocal<MemorySegment> FLAG_WORD = ThreadLocal.withInitial(() -> Arena.global().allocate(4, 4));

    /** On the device and F32 (widened on the device when F16/BF16); views stay views when already F32. */
    private Tensor f32(Tensor t) {
        if (t == null) return null;
        Tensor d = upload(t);
        if (d.dtype() == DType.F32) return d;
        OpShapes.requireFloat(d, "input");
        return convert(d, DType.F32);
    }

    /** {@link #f32} and contiguous. */
    private Tensor f32c(Tensor t) {
        return t == null ? null : contiguous(f32(t));
    }

    private Tensor copyOf(Tensor src) {
        Tensor out = empty(src.dtype(), src.shape());
        if (src.byteSize() > 0) ctx.copyDeviceToDevice(CudaStorage.address(src), CudaStorage.address(out), src.byteSize());
        return out;
    }

    @Override
    public String toString() {
        return name() + " [" + choice.describe() + "]";
    }
}
