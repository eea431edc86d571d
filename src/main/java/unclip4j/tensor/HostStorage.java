package unclip4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap host memory: a {@link MemorySegment}, either freshly allocated (zeroed, 64-byte aligned,
 * freed by the garbage collector) or wrapping memory that someone else owns, such as a
 * memory-mapped checkpoint file (zero copy).
 */
public record HostStorage(MemorySegment segment) implements Storage {
    public static final int ALIGNMENT = 64;

    public static HostStorage allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        return new HostStorage(Arena.ofAuto().allocate(Math.max(bytes, 1), ALIGNMENT));
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
