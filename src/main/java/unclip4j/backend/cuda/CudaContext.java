package unclip4j.backend.cuda;

import java.lang.foreign.MemorySegment;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * GPU 0's primary context (the one the CUDA runtime, and so cuBLAS and cuDNN, also use), one
 * non-blocking stream on which everything of the backend runs in order, the caching allocator and
 * the kernel modules. JCuda calls need the context current on the calling thread; every entry point
 * calls {@link #makeCurrent()}, which is cheap.
 */
public final class CudaContext implements AutoCloseable {
    /** Largest single host transfer: ByteBuffer views of a segment are limited to 2 GiB. */
    private static final long CHUNK = 1L << 30;

    private final DeviceInfo device;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final DevicePointers.Stream stream = new DevicePointers.Stream();
    private final DeviceAllocator allocator;
    private final PtxModules modules;
    private final KernelLauncher launcher = KernelLauncher.selected();

    /** Opens the context; IllegalStateException with the probe's reason when CUDA is unavailable. */
    public static CudaContext open() {
        Cuda.Probe p = Cuda.probe();
        if (!p.available()) throw new IllegalStateException("CUDA backend unavailable: " + p.reason());
        return new CudaContext(p.device());
    }

    private CudaContext(DeviceInfo device) {
        this.device = device;
        JCudaDriver.cuDeviceGet(cuDevice, 0);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice);
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        this.allocator = new DeviceAllocator(new DeviceAllocator.Memory() {
            @Override
            public long allocate(long bytes) {
                makeCurrent();
                DevicePointers.Readable p = new DevicePointers.Readable();
                try {
                    JCudaDriver.cuMemAlloc(p, bytes);
                } catch (CudaException e) {
                    if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                        throw new OutOfMemoryError("CUDA device memory exhausted allocating " + bytes + " bytes");
                    }
                    throw e;
                }
                return p.address();
            }

            @Override
            public void free(long address) {
                makeCurrent();
                // kernels queued before may still use the block; cuMemFree is documented only to "may" synchronize
                JCudaDriver.cuCtxSynchronize();
                JCudaDriver.cuMemFree(DevicePointers.of(address));
            }
        }, device.totalMemory());
        this.modules = new PtxModules(device);
    }

    public DeviceInfo device() {
        return device;
    }

    public DeviceAllocator allocator() {
        return allocator;
    }

    /** How kernels reach cuLaunchKernel in this context (-Dunclip4j.cuda.launcher). */
    public KernelLauncher launcher() {
        return launcher;
    }

    PtxModules modules() {
        return modules;
    }

    DevicePointers.Stream stream() {
        return stream;
    }

    /** The stream as a raw {@code cudaStream_t}, for libraries bound through FFM. */
    long streamHandle() {
        return stream.handle();
    }

    public void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** Fresh device memory of at least this many bytes (contents undefined). */
    public CudaStorage allocate(long bytes) {
        return new CudaStorage(allocator, bytes);
    }

    /** Copies a host segment to device memory, stream-ordered; returns once the host memory may be reused. */
    public void copyToDevice(MemorySegment src, long dstAddress) {
        makeCurrent();
        for (long at = 0; at < src.byteSize(); at += CHUNK) {
            long n = Math.min(CHUNK, src.byteSize() - at);
            // pageable host memory: the driver stages it before returning, so src may be freed after
            JCudaDriver.cuMemcpyHtoDAsync(DevicePointers.of(dstAddress + at), Pointer.to(src.asSlice(at, n).asByteBuffer()), n, stream);
        }
        JCudaDriver.cuStreamSynchronize(stream);
    }

    /** Copies device memory into a host segment after all queued work; blocks until done. */
    public void copyToHost(long srcAddress, MemorySegment dst) {
        makeCurrent();
        for (long at = 0; at < dst.byteSize(); at += CHUNK) {
            long n = Math.min(CHUNK, dst.byteSize() - at);
            JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst.asSlice(at, n).asByteBuffer()), DevicePointers.of(srcAddress + at), n, stream);
        }
        JCudaDriver.cuStreamSynchronize(stream);
    }

    public void copyDeviceToDevice(long src, long dst, long bytes) {
        makeCurrent();
        JCudaDriver.cuMemcpyDtoDAsync(DevicePointers.of(dst), DevicePointers.of(src), bytes, stream);
    }

    public void zero(long address, long bytes) {
        makeCurrent();
        JCudaDriver.cuMemsetD8Async(DevicePointers.of(address), (byte) 0, bytes, stream);
    }

    public void synchronize() {
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    @Override
    public void close() {
        synchronize();
        allocator.trim();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuDevicePrimaryCtxRelease(cuDevice);
    }
}
