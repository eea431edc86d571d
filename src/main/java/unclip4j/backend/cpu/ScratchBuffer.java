package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.TensorScope;

/**
 * One thread's reusable off-heap work area, grown to the largest size asked of it and never shrunk:
 * a kernel that needs the same large buffer on every call (im2col columns, Winograd tiles) would
 * otherwise pay for allocating and zeroing it each time. The contents are not cleared between calls;
 * callers write every element they read. The memory outlives any {@link TensorScope}.
 */
final class ScratchBuffer {
    private final ThreadLocal<MemorySegment> segment = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    /** This thread's buffer, at least {@code bytes} long. */
    MemorySegment get(long bytes) {
        MemorySegment s = segment.get();
        if (s.byteSize() < bytes) {
            s = TensorScope.outside(() -> HostStorage.allocate(bytes)).segment();
            segment.set(s);
        }
        return s;
    }
}
