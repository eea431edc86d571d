package unclip4j.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import unclip4j.tensor.Tensor;

/**
 * cuDNN's convolution through FFM: the conv2d library provider (Conv2dKernel.LIBRARY). JCudnn on
 * Maven Central stops at 11.7.0 (cuDNN 8, libcudnn.so.8) while the GPU machines have cuDNN 9, whose
 * legacy convolution API (descriptors + cudnnConvolutionForward) is still exported by libcudnn.so.9.
 * For F32 data, FMA math is forced unless asked otherwise, so that results are fp32 (no TF32),
 * comparable with the hand kernels at 1e-5.
 */
@SuppressWarnings("restricted") // FFM downcalls into an optional vendor library: the point of this class
public final class Cudnn implements AutoCloseable {
    static final List<String> LIBRARIES = List.of("libcudnn.so.9", "libcudnn.so.8", "libcudnn.so");
    // values of cudnn.h's enums (cudnnTensorFormat_t, cudnnDataType_t, cudnnConvolutionMode_t, cudnnMathType_t, cudnnConvolutionFwdAlgo_t)
    private static final int NCHW = 0, FLOAT = 0, HALF = 2, CROSS_CORRELATION = 1, DEFAULT_MATH = 0, FMA_MATH = 3, IMPLICIT_PRECOMP_GEMM = 1;
    /** cudnnConvolutionFwdAlgoPerf_t: algo, status (int), time (float), memory (size_t at 16), determinism, mathType (int at 28), reserved[3]. */
    private static final long PERF_BYTES = 48, PERF_STATUS = 4, PERF_MEMORY = 16, PERF_MATH = 28;
    private static final int HEURISTIC_RESULTS = 8;
    private static final long MAX_WORKSPACE = 1L << 30;

    /** An algorithm and the math type it runs with, chosen once per problem. */
    private record Plan(int algo, int mathType) {}

    private final CudaContext ctx;
    private final MemorySegment handle;
    private final java.util.Map<String, Plan> plans = new java.util.concurrent.ConcurrentHashMap<>();
    private final MethodHandle errorString, destroy, createTensor, setTensor4d, destroyTensor, createFilter, setFilter4d, destroyFilter,
            createConv, setConv2d, setMathType, destroyConv, workspaceSize, forward, addTensor, heuristics;

    private Cudnn(NativeLibraries.Found lib, CudaContext ctx) {
        this.ctx = ctx;
        Linker l = Linker.nativeLinker();
        errorString = h(lib, l, "cudnnGetErrorString", ADDRESS, JAVA_INT); // first: every check names the status with it
        MethodHandle create = h(lib, l, "cudnnCreate", JAVA_INT, ADDRESS);
        MethodHandle setStream = h(lib, l, "cudnnSetStream", JAVA_INT, ADDRESS, JAVA_LONG);
        destroy = h(lib, l, "cudnnDestroy", JAVA_INT, ADDRESS);
        createTensor = h(lib, l, "cudnnCreateTensorDescriptor", JAVA_INT, ADDRESS);
        setTensor4d = h(lib, l, "cudnnSetTensor4dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        destroyTensor = h(lib, l, "cudnnDestroyTensorDescriptor", JAVA_INT, ADDRESS);
        createFilter = h(lib, l, "cudnnCreateFilterDescriptor", JAVA_INT, ADDRESS);
        setFilter4d = h(lib, l, "cudnnSetFilter4dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        destroyFilter = h(lib, l, "cudnnDestroyFilterDescriptor", JAVA_INT, ADDRESS);
        createConv = h(lib, l, "cudnnCreateConvolutionDescriptor", JAVA_INT, ADDRESS);
        setConv2d = h(lib, l, "cudnnSetConvolution2dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        setMathType = h(lib, l, "cudnnSetConvolutionMathType", JAVA_INT, ADDRESS, JAVA_INT);
        destroyConv = h(lib, l, "cudnnDestroyConvolutionDescriptor", JAVA_INT, ADDRESS);
        workspaceSize = h(lib, l, "cudnnGetConvolutionForwardWorkspaceSize", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        forward = h(lib, l, "cudnnConvolutionForward", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        addTensor = h(lib, l, "cudnnAddTensor", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        heuristics = h(lib, l, "cudnnGetConvolutionForwardAlgorithm_v7", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cudnnCreate", (int) create.invokeExact(out));
            handle = out.get(ADDRESS, 0);
            check("cudnnSetStream", (int) setStream.invokeExact(handle, ctx.streamHandle()));
        } catch (Throwable t) {
            throw rethrow("cuDNN initialisation", t);
        }
    }

    /** Which library would be used, or why none (for doctor). */
    public static LibraryProvider provider() {
        NativeLibraries.Found lib = NativeLibraries.first(LIBRARIES);
        return lib == null ? new LibraryProvider(null, "cuDNN not installed (none of " + String.join(", ", LIBRARIES) + " found)")
                : new LibraryProvider(lib.name(), null);
    }

    static Cudnn open(CudaContext ctx) {
        NativeLibraries.Found lib = NativeLibraries.first(LIBRARIES);
        if (lib == null) throw new IllegalStateException(provider().reason());
        ctx.makeCurrent();
        return new Cudnn(lib, ctx);
    }

    /**
     * out [N, O, Ho, Wo] = conv(x [N, C, H, W], w [O, C, k, k]), all contiguous on the device and all
     * F32 or all F16 (cuDNN's "pseudo-half" configuration: fp16 data, fp32 accumulation). The
     * algorithm is cuDNN's own heuristic choice for the problem (cached): with {@code anyMath} any
     * math it offers (tensor cores: TF32 for F32 data on Ampere and later, fp16 for F16), else FMA
     * math only, so that F32 results stay fp32.
     */
    public void convolution(Tensor out, Tensor x, Tensor w, int stride, int padding, boolean anyMath) {
        int type = dataType(x);
        if (dataType(w) != type || dataType(out) != type) throw new IllegalArgumentException("cuDNN convolution: x, w and out must share one dtype");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xd = tensor4d(a, type, x);
            MemorySegment yd = tensor4d(a, type, out);
            MemorySegment wd = descriptor(a, createFilter);
            check("cudnnSetFilter4dDescriptor", (int) setFilter4d.invokeExact(wd, type, NCHW, w.dim(0), w.dim(1), w.dim(2), w.dim(3)));
            MemorySegment cd = descriptor(a, createConv);
            check("cudnnSetConvolution2dDescriptor", (int) setConv2d.invokeExact(cd, padding, padding, stride, stride, 1, 1, CROSS_CORRELATION, FLOAT));
            check("cudnnSetConvolutionMathType", (int) setMathType.invokeExact(cd, anyMath ? DEFAULT_MATH : FMA_MATH));
            String key = x.dim(0) + "," + x.dim(1) + "," + x.dim(2) + "," + x.dim(3) + "," + w.dim(0) + "," + w.dim(2) + "," + stride + "," + padding + "," + anyMath + "," + type;
            Plan plan = plans.get(key);
            if (plan == null) {
                plan = choose(a, xd, wd, cd, yd, anyMath);
                plans.put(key, plan);
            }
            check("cudnnSetConvolutionMathType", (int) setMathType.invokeExact(cd, plan.mathType()));
            MemorySegment size = a.allocate(JAVA_LONG);
            check("cudnnGetConvolutionForwardWorkspaceSize", (int) workspaceSize.invokeExact(handle, xd, wd, cd, yd, plan.algo(), size));
            long wsBytes = size.get(JAVA_LONG, 0);
            CudaStorage ws = wsBytes == 0 ? null : ctx.allocate(wsBytes);
            MemorySegment one = a.allocateFrom(JAVA_FLOAT, 1f), zero = a.allocateFrom(JAVA_FLOAT, 0f);
            check("cudnnConvolutionForward", (int) forward.invokeExact(handle, one, xd, CudaStorage.address(x), wd, CudaStorage.address(w), cd,
                    plan.algo(), ws == null ? 0L : ws.address(), wsBytes, zero, yd, CudaStorage.address(out)));
            check("cudnnDestroyTensorDescriptor", (int) destroyTensor.invokeExact(xd));
            check("cudnnDestroyTensorDescriptor", (int) destroyTensor.invokeExact(yd));
            check("cudnnDestroyFilterDescriptor", (int) destroyFilter.invokeExact(wd));
            check("cudnnDestroyConvolutionDescriptor", (int) destroyConv.invokeExact(cd));
            java.lang.ref.Reference.reachabilityFence(ws); // the workspace block must not return to the cache before the enqueue
        } catch (Throwable t) {
            throw rethrow("cuDNN convolution", t);
        }
    }

    /** out [N, O, H, W] += bias [O], both contiguous F32 on the device. */
    public void addChannelBias(Tensor out, Tensor bias) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment yd = tensor4d(a, FLOAT, out);
            MemorySegment bd = descriptor(a, createTensor);
            check("cudnnSetTensor4dDescriptor", (int) setTensor4d.invokeExact(bd, NCHW, FLOAT, 1, bias.dim(0), 1, 1));
            MemorySegment one = a.allocateFrom(JAVA_FLOAT, 1f);
            check("cudnnAddTensor", (int) addTensor.invokeExact(handle, one, bd, CudaStorage.address(bias), one, yd, CudaStorage.address(out)));
            check("cudnnDestroyTensorDescriptor", (int) destroyTensor.invokeExact(bd));
            check("cudnnDestroyTensorDescriptor", (int) destroyTensor.invokeExact(yd));
        } catch (Throwable t) {
            throw rethrow("cuDNN bias", t);
        }
    }

    private static int dataType(Tensor t) {
        return switch (t.dtype()) {
            case F32 -> FLOAT;
            case F16 -> HALF;
            default -> throw new IllegalArgumentException("cuDNN convolution: F32 or F16 data, got " + t.dtype());
        };
    }

    /**
     * The first algorithm of cuDNN's heuristic ranking that is supported, needs at most 1 GiB of
     * workspace and (unless any math is allowed) runs on FMA math; implicit precomputed GEMM with FMA math if none.
     */
    private Plan choose(Arena a, MemorySegment xd, MemorySegment wd, MemorySegment cd, MemorySegment yd, boolean anyMath) throws Throwable {
        MemorySegment count = a.allocate(JAVA_INT), perf = a.allocate(PERF_BYTES * HEURISTIC_RESULTS, 8);
        check("cudnnGetConvolutionForwardAlgorithm_v7", (int) heuristics.invokeExact(handle, xd, wd, cd, yd, HEURISTIC_RESULTS, count, perf));
        for (int i = 0; i < count.get(JAVA_INT, 0); i++) {
            long at = i * PERF_BYTES;
            int status = perf.get(JAVA_INT, at + PERF_STATUS), math = perf.get(JAVA_INT, at + PERF_MATH);
            long memory = perf.get(JAVA_LONG, at + PERF_MEMORY);
            if (status == 0 && memory <= MAX_WORKSPACE && (anyMath || math == FMA_MATH)) return new Plan(perf.get(JAVA_INT, at), math);
        }
        return new Plan(IMPLICIT_PRECOMP_GEMM, FMA_MATH);
    }

    @Override
    public void close() {
        try {
            check("cudnnDestroy", (int) destroy.invokeExact(handle));
        } catch (Throwable t) {
            throw rethrow("cudnnDestroy", t);
        }
    }

    private MemorySegment tensor4d(Arena a, int type, Tensor t) throws Throwable {
        MemorySegment d = descriptor(a, createTensor);
        check("cudnnSetTensor4dDescriptor", (int) setTensor4d.invokeExact(d, NCHW, type, t.dim(0), t.dim(1), t.dim(2), t.dim(3)));
        return d;
    }

    private MemorySegment descriptor(Arena a, MethodHandle create) throws Throwable {
        MemorySegment out = a.allocate(ADDRESS);
        check("cudnnCreate*Descriptor", (int) create.invokeExact(out));
        return out.get(ADDRESS, 0);
    }

    private static MethodHandle h(NativeLibraries.Found lib, Linker l, String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        MemorySegment sym = lib.lookup().find(name).orElseThrow(() -> new IllegalStateException(lib.name() + " has no " + name));
        return l.downcallHandle(sym, FunctionDescriptor.of(ret, args));
    }

    /** Throws, naming the status as cuDNN does (CUDNN_STATUS_NOT_SUPPORTED, ...), unless the call succeeded. */
    private void check(String call, int status) throws Throwable {
        if (status == 0) return;
        MemorySegment name = (MemorySegment) errorString.invokeExact(status);
        String text = name.equals(MemorySegment.NULL) ? "unknown status" : name.reinterpret(256).getString(0);
        throw new IllegalStateException(call + " returned " + text + " (" + status + ")");
    }

    private static RuntimeException rethrow(String what, Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(what + " failed", t);
    }
}
