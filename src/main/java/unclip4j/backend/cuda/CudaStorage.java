package unclip4j.backend.cuda;

import unclip4j.tensor.Device;
import unclip4j.tensor.Storage;
import unclip4j.tensor.Tensor;

/**
 * Device memory behind tensors of the CUDA backend: a block of the backend's {@link DeviceAllocator}.
 * Tensors have no close(), so the block returns to the allocator's cache when this storage becomes
 * unreachable (the allocator watches it).
 */
public final class CudaStorage implements Storage {
    private final long address;
    private final long byteSize;

    CudaStorage(DeviceAllocator allocator, long byteSize) {
        this.byteSize = byteSize;
        this.address = allocator.allocate(this, byteSize);
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
