package unclip4j.backend.cuda;

import java.util.concurrent.atomic.AtomicBoolean;
import unclip4j.tensor.Device;
import unclip4j.tensor.Storage;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * Device memory behind tensors of the CUDA backend: a block of the backend's {@link DeviceAllocator}.
 * The block returns to the allocator's cache when the {@link TensorScope} it was allocated in closes
 * (a released storage refuses to give its address) or, outside scopes, when this storage becomes
 * unreachable (the allocator watches it).
 */
public final class CudaStorage implements Storage, TensorScope.Owned {
    private final DeviceAllocator allocator;
    private final long address;
    private final long byteSize;
    private final AtomicBoolean released = new AtomicBoolean();

    CudaStorage(DeviceAllocator allocator, long byteSize) {
        this.allocator = allocator;
        this.byteSize = byteSize;
        this.address = allocator.allocate(this, byteSize);
        TensorScope scope = TensorScope.current();
        if (scope != null) scope.adopt(this);
    }

    /** Device address of a CUDA tensor's first element (its storage plus its view offset). */
    public static long address(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) throw new IllegalArgumentException("tensor " + t + " is not on the GPU");
        return s.address() + t.offset() * t.dtype().byteSize();
    }

    /** Device address of the first byte. */
    public long address() {
        if (released.get()) throw new IllegalStateException("a GPU tensor was used after the TensorScope that allocated it closed");
        return address;
    }

    /** Gives the block back to the allocator now: work enqueued before still reads it first (one stream). */
    @Override
    public void release() {
        // once only, even from two threads: a second giveBack could hand back the block's next owner
        if (released.compareAndSet(false, true)) allocator.giveBack(address);
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
