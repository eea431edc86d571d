package unclip4j.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching device allocator (the idea of PyTorch's): freed blocks go to a free list per size
 * bucket and are handed out again without cuMemAlloc/cuMemFree, which synchronise the device.
 * Reuse is safe without events because every kernel runs on the one stream of the backend: a block
 * released by a tensor is only reused by work enqueued after the work that last read it.
 *
 * <p>Sizes round up to a bucket: multiples of 512 bytes up to 1 MiB (many small tensors), multiples
 * of 2 MiB above (few large ones, bounded waste). When the device is full, cached blocks are freed
 * and, failing that, the garbage collector is asked to release unreachable tensors before a retry.
 * The driver calls sit behind {@link Memory} so that the bucket logic is tested without a GPU.
 */
public final class DeviceAllocator {
    static final long SMALL_GRANULE = 512;
    static final long SMALL_LIMIT = 1L << 20;
    static final long LARGE_GRANULE = 2L << 20;

    /** Raw device memory: cuMemAlloc / cuMemFree by address. */
    public interface Memory {
        /** A fresh block's address; {@link OutOfMemoryError} when the device is full. */
        long allocate(long bytes);

        void free(long address);
    }

    /** Counters for doctor, bench and tests. */
    public record Stats(long bytesInUse, long bytesCached, long allocations, long cacheHits) {}

    private final Memory memory;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long bytesInUse, bytesCached, allocations, cacheHits;

    public DeviceAllocator(Memory memory) {
        this.memory = memory;
    }

    /** The bucket a request of this many bytes is served from (at least one granule). */
    public static long bucketSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        long granule = bytes <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        return Math.max(granule, Math.ceilDiv(bytes, granule) * granule);
    }

    /** A block of {@code bucketSize(bytes)} bytes: cached if one is free, else new. */
    public synchronized long allocate(long bytes) {
        long size = bucketSize(bytes);
        allocations++;
        ArrayDeque<Long> list = free.get(size);
        long address;
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            bytesCached -= size;
            cacheHits++;
        } else {
            address = allocateFresh(size);
        }
        bytesInUse += size;
        return address;
    }

    /** Returns a block (of the size it was allocated with) to its bucket. */
    public synchronized void release(long address, long bytes) {
        long size = bucketSize(bytes);
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        bytesInUse -= size;
        bytesCached += size;
    }

    /** Frees every cached block back to the driver. */
    public synchronized void trim() {
        free.values().forEach(list -> list.forEach(memory::free));
        free.clear();
        bytesCached = 0;
    }

    public synchronized Stats stats() {
        return new Stats(bytesInUse, bytesCached, allocations, cacheHits);
    }

    private long allocateFresh(long size) {
        try {
            return memory.allocate(size);
        } catch (OutOfMemoryError first) {
            trim();
            try {
                return memory.allocate(size);
            } catch (OutOfMemoryError second) {
                // unreachable tensors still hold blocks until their cleaners run
                System.gc();
                waitForCleaners();
                trim();
                return memory.allocate(size);
            }
        }
    }

    private void waitForCleaners() {
        long before = bytesCached;
        for (int i = 0; i < 20 && bytesCached == before; i++) {
            try {
                wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
