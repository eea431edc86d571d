package unclip4j.backend.cuda;

import java.lang.ref.Cleaner;
import unclip4j.tensor.Device;
import unclip4j.tensor.Storage;
import unclip4j.tensor.Tensor;

/**
 * Device memory behind tensors of the CUDA backend: a block of the backend's {@link DeviceAllocator}.
 * Tensors have no close(), so the block returns to the allocator's cache when the storage becomes
 * unreachable (a {@link Cleaner}); the allocator only caches it, so this never calls the driver
 * from the cleaner thread.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final long address;
    private final long byteSize;

    CudaStorage(DeviceAllocator allocator, long byteSize) {
        this.byteSize = byteSize;
        this.address = allocator.allocate(byteSize);
        long a = address;
        CLEANER.register(this, () -> allocator.release(a, byteSize));
    }

    /** Device address of a CUDA tensor's first element (its storage plus its view offset). */
    public static long address(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) throw new IllegalArgumentException("tensor " + t + " is not on the GPU");
        return s.address + t.offset() * t.dtype().byteSize();
    }

    /** Device address of the first byte. */
    public long address() {
        return address;
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }
}
