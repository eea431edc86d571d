package unclip4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap host memory: a {@link MemorySegment}, either freshly allocated (zeroed, 64-byte aligned,
 * freed with the open {@link TensorScope} or, outside scopes, by the garbage collector) or wrapping
 * memory that someone else owns, such as a memory-mapped checkpoint file (zero copy).
 */
public record HostStorage(MemorySegment segment) implements TensorScope.HostBacked {
    public static final int ALIGNMENT = 64;

    public static HostStorage allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        TensorScope scope = TensorScope.current();
        long size = Math.max(bytes, 1);
        return new HostStorage(scope != null ? scope.allocateHost(size) : Arena.ofAuto().allocate(size, ALIGNMENT));
    }

    @Override
    public HostStorage host() {
        return this;
    }

    @Override
    public Storage rehost(HostStorage moved) {
        return moved;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long byteSize() {
        return segment.byteSize();
    }
}
