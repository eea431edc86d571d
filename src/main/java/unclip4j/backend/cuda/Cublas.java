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

/**
 * cuBLAS through the JDK's FFM API: the GEMM library provider (GemmKernel.LIBRARY), the expert
 * baseline every hand-written GEMM is compared with. JCublas 12.6 links against libcublas.so.12 only,
 * while the GPU machines have CUDA 13 (libcublas.so.13); binding the few functions we call directly
 * works with either. cuBLAS is column-major; {@link #sgemm} does the row-major translation.
 */
@SuppressWarnings("restricted") // FFM downcalls into an optional vendor library: the point of this class
public final class Cublas implements AutoCloseable {
    static final List<String> LIBRARIES = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so");
    private static final int OP_N = 0, OP_T = 1, DEFAULT_MATH = 0, TF32_TENSOR_OP_MATH = 3;
    /** cudaDataType_t values, cublasComputeType_t CUBLAS_COMPUTE_32F, cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT. */
    public static final int R_32F = 0, R_16F = 2, R_16BF = 14;
    private static final int COMPUTE_32F = 68, GEMM_DEFAULT = -1;

    private final MethodHandle sgemmStridedBatched, gemmStridedBatchedEx, setMathMode, destroy;
    private final MemorySegment handle;
    private final String library;

    private Cublas(NativeLibraries.Found lib, long stream) {
        Linker linker = Linker.nativeLinker();
        this.library = lib.name();
        MethodHandle create = downcall(lib, linker, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = downcall(lib, linker, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        this.destroy = downcall(lib, linker, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.gemmStridedBatchedEx = downcall(lib, linker, "cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
        this.setMathMode = downcall(lib, linker, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.sgemmStridedBatched = downcall(lib, linker, "cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG,
                JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(out));
            this.handle = out.get(ADDRESS, 0);
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException("cuBLAS initialisation failed", t);
        }
    }

    /** Which library would be used, or why none: for doctor, without creating a handle. */
    public static LibraryProvider provider() {
        NativeLibraries.Found lib = NativeLibraries.first(LIBRARIES);
        return lib == null ? new LibraryProvider(null, "cuBLAS not installed (none of " + String.join(", ", LIBRARIES) + " found)")
                : new LibraryProvider(lib.name(), null);
    }

    /** A handle bound to the context's stream; IllegalStateException with the reason when cuBLAS is absent. */
    static Cublas open(CudaContext ctx) {
        NativeLibraries.Found lib = NativeLibraries.first(LIBRARIES);
        if (lib == null) throw new IllegalStateException(provider().reason());
        ctx.makeCurrent();
        return new Cublas(lib, ctx.streamHandle());
    }

    public String library() {
        return library;
    }

    /**
     * Row-major {@code C = alpha·op(A)·op(B) + beta·C} for {@code batch} products, C contiguous
     * {@code [batch, M, N]}. Operands have unit inner stride; lda/ldb are their row strides and the
     * batch strides may be 0 (shared operand). Row-major C is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so B
     * goes first. With {@code tf32} the operands are rounded to TF32 for the tensor cores (fp32
     * accumulate); without, the product is plain fp32.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
               long b, int ldb, long strideB, float beta, long c, long strideC, int batch, boolean tf32) {
        try (Arena ar = Arena.ofConfined()) {
            check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, tf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH));
            MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
            check("cublasSgemmStridedBatched", (int) sgemmStridedBatched.invokeExact(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N,
                    n, m, k, al, b, ldb, strideB, a, lda, strideA, be, c, n, strideC, batch));
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException("cuBLAS call failed", t);
        }
    }

    /**
     * As {@link #sgemm}, with A and B in a 16-bit format ({@link #R_16F} or {@link #R_16BF}) on the
     * tensor cores, fp32 accumulation, C in fp32 (cublasGemmStridedBatchedEx, CUBLAS_COMPUTE_32F):
     * what PyTorch's fp16 autocast runs for a linear layer, except that C stays fp32.
     */
    public void gemmHalf(int type, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
                         long b, int ldb, long strideB, float beta, long c, long strideC, int batch) {
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
            check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, DEFAULT_MATH));
            check("cublasGemmStridedBatchedEx", (int) gemmStridedBatchedEx.invokeExact(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N,
                    n, m, k, al, b, type, ldb, strideB, a, type, lda, strideA, be, c, R_32F, n, strideC, batch, COMPUTE_32F, GEMM_DEFAULT));
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException("cuBLAS call failed", t);
        }
    }

    @Override
    public void close() {
        try {
            check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException("cublasDestroy_v2 failed", t);
        }
    }

    private static MethodHandle downcall(NativeLibraries.Found lib, Linker linker, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.lookup().find(name).orElseThrow(() -> new IllegalStateException(lib.name() + " has no " + name));
        return linker.downcallHandle(sym, fd);
    }

    private static void check(String call, int status) {
        if (status != 0) throw new IllegalStateException(call + " returned cublasStatus_t " + status);
    }
}
