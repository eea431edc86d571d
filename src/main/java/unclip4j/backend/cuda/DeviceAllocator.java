package unclip4j.backend.cuda;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import unclip4j.config.JvmSettings;

/**
 * A caching device allocator (the idea of PyTorch's): freed blocks go to a free list per size
 * bucket and are handed out again without cuMemAlloc/cuMemFree, which synchronise the device.
 * Reuse is safe without events because every kernel runs on the one stream of the backend: a block
 * released by a tensor is only reused by work enqueued after the work that last read it.
 *
 * <p>Sizes round up to a bucket: multiples of 512 bytes up to 1 MiB (many small tensors), multiples
 * of 2 MiB above (few large ones, bounded waste). The driver calls sit behind {@link Memory} so that
 * the logic is tested without a GPU.
 *
 * <p>A block comes back when its owner (the tensor's storage) gives it back ({@link #giveBack}:
 * the {@link unclip4j.tensor.TensorScope} it was allocated in closed) or else when the owner becomes
 * unreachable. Owners are watched through phantom references that the allocating thread polls, so
 * blocks return in allocation order without a cleaner thread. The Java heap barely notices a tensor
 * (its bytes are on the device), so the garbage collector would rarely run on its own: like the JDK
 * does for direct buffers, the allocator asks for a collection once the bytes handed out since the
 * last one exceed a headroom ({@code -Dunclip4j.cuda.gcHeadroomMiB}, default 4096). That bounds the
 * device memory a diffusion loop holds to its live tensors plus the headroom, and every step after
 * the first is served from the cache (activation buffers are reused across steps). The cache itself
 * is bounded ({@code -Dunclip4j.cuda.cacheMiB}; by default an eighth of the GPU's memory, at least
 * 2 GiB): when a request finds no block of its size while more than that is cached, blocks of the
 * sizes asked for least recently go back to the driver until the cache is within its limit, so
 * blocks of sizes no longer asked for do not pile up. The limit trades memory for speed: on an H200
 * a 2 GiB cap sent decoder and SR blocks back to the driver every step, and an evaluation took 0.149
 * and 0.211 s where it took 0.115 and 0.174 s with 8 GiB (docs/BENCHMARKS.md). A full device gives
 * the whole cache back and asks again.
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

    /**
     * Counters for doctor, bench and tests: bytes held by live (or not yet collected) owners, bytes
     * cached for reuse, their peaks since {@link #resetPeaks()} (reserved = in use + cached, what the
     * driver has handed to this process), the collections the allocator asked for, and the cached
     * blocks it gave back to the driver (a trim frees them all, and the requests after it miss).
     */
    public record Stats(long bytesInUse, long bytesCached, long allocations, long cacheHits, long peakInUse,
                        long peakReserved, long collections, double collectionSeconds, long blocksFreed) {}

    /** A block whose owner may become unreachable. */
    private static final class Block extends PhantomReference<Object> {
        final long address, bytes;

        Block(Object owner, long address, long bytes, ReferenceQueue<Object> queue) {
            super(owner, queue);
            this.address = address;
            this.bytes = bytes;
        }
    }

    /** System properties (MiB): device memory kept free before a collection is forced, and the cache's limit. */
    public static final String HEADROOM_PROPERTY = "unclip4j.cuda.gcHeadroomMiB", CACHE_PROPERTY = "unclip4j.cuda.cacheMiB";
    private static final long DEFAULT_HEADROOM = JvmSettings.mebibytes(HEADROOM_PROPERTY, 4096);

    private final Memory memory;
    private final long gcHeadroom, cacheLimit;
    private final LinkedHashMap<Long, ArrayDeque<Long>> free = new LinkedHashMap<>(16, 0.75f, true); // LRU by size
    private final ReferenceQueue<Object> unreachable = new ReferenceQueue<>();
    private final Map<Long, Block> watched = new HashMap<>(); // by address
    private long bytesInUse, bytesCached, allocations, cacheHits, peakInUse, peakReserved, collections, blocksFreed;
    private long handedOutSinceCollection, collectionNanos;

    /** For a GPU with {@code deviceMemory} bytes: the collection headroom and the cache limit from the settings or their defaults. */
    public DeviceAllocator(Memory memory, long deviceMemory) {
        this(memory, DEFAULT_HEADROOM, defaultCacheLimit(deviceMemory));
    }

    /** {@code -Dunclip4j.cuda.cacheMiB}, else an eighth of the device's memory but at least 2 GiB. */
    public static long defaultCacheLimit(long deviceMemory) {
        return JvmSettings.mebibytes(CACHE_PROPERTY, Math.max(2048, (deviceMemory >> 20) / 8));
    }

    /** With the bytes that may be handed out between two requested garbage collections, and the most bytes cached. */
    public DeviceAllocator(Memory memory, long gcHeadroom, long cacheLimit) {
        this.memory = memory;
        this.gcHeadroom = gcHeadroom;
        this.cacheLimit = cacheLimit;
    }

    /**
     * A block of {@code bucketSize(bytes)} bytes that returns to the cache once {@code owner} is
     * unreachable.
     */
    public synchronized long allocate(Object owner, long bytes) {
        long address = allocate(bytes);
        watched.put(address, new Block(owner, address, bytes, unreachable));
        return address;
    }

    /**
     * Returns the block at {@code address} (from {@link #allocate(Object, long)}) before its owner is
     * unreachable; the owner must not use it again. It no longer counts toward the collection
     * headroom: memory given back needs no garbage collection to find it.
     */
    public synchronized void giveBack(long address) {
        Block b = watched.remove(address);
        if (b == null) throw new IllegalStateException("no owned block at 0x" + Long.toHexString(address));
        b.clear(); // never enqueued now
        release(b.address, b.bytes);
        handedOutSinceCollection = Math.max(0, handedOutSinceCollection - bucketSize(b.bytes));
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
        reclaim();
        if (handedOutSinceCollection + size > gcHeadroom) collect();
        handedOutSinceCollection += size;
        allocations++;
        ArrayDeque<Long> list = free.get(size);
        long address;
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            bytesCached -= size;
            cacheHits++;
        } else {
            evictDownTo(cacheLimit);
            address = allocateFresh(size);
        }
        bytesInUse += size;
        peakInUse = Math.max(peakInUse, bytesInUse);
        peakReserved = Math.max(peakReserved, bytesInUse + bytesCached);
        return address;
    }

    /** Returns a block (of the size it was allocated with) to its bucket. */
    public synchronized void release(long address, long bytes) {
        long size = bucketSize(bytes);
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        bytesInUse -= size;
        bytesCached += size;
    }

    /** Frees every cached block back to the driver, with those of owners found unreachable by now. */
    public synchronized void trim() {
        reclaim();
        evictDownTo(0);
    }

    /** Frees cached blocks, those of the least recently used sizes first, until at most limit bytes stay cached. */
    private void evictDownTo(long limit) {
        for (Iterator<Map.Entry<Long, ArrayDeque<Long>>> it = free.entrySet().iterator(); bytesCached > limit && it.hasNext(); ) {
            Map.Entry<Long, ArrayDeque<Long>> e = it.next();
            for (Long address; bytesCached > limit && (address = e.getValue().pollLast()) != null; ) {
                memory.free(address);
                bytesCached -= e.getKey();
                blocksFreed++;
            }
            if (e.getValue().isEmpty()) it.remove();
        }
    }

    public synchronized Stats stats() {
        return new Stats(bytesInUse, bytesCached, allocations, cacheHits, peakInUse, peakReserved, collections, collectionNanos * 1e-9, blocksFreed);
    }

    /** Starts the peaks afresh from what is held now (a benchmark does this per stage). */
    public synchronized void resetPeaks() {
        reclaim();
        peakInUse = bytesInUse;
        peakReserved = bytesInUse + bytesCached;
    }

    /** Returns the blocks of owners found unreachable since the last look. */
    private void reclaim() {
        for (Reference<?> r; (r = unreachable.poll()) != null; ) {
            Block b = (Block) r;
            if (watched.remove(b.address, b)) release(b.address, b.bytes);
        }
    }

    /** Runs the garbage collector and takes back what it found (the phantom queue fills right after). */
    private void collect() {
        long t0 = System.nanoTime();
        collections++;
        handedOutSinceCollection = 0;
        System.gc();
        try {
            Reference<?> first = unreachable.remove(100);
            if (first != null) {
                Block b = (Block) first;
                if (watched.remove(b.address, b)) release(b.address, b.bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reclaim();
        collectionNanos += System.nanoTime() - t0;
    }

    private long allocateFresh(long size) {
        try {
            return memory.allocate(size);
        } catch (OutOfMemoryError first) {
            trim();
            try {
                return memory.allocate(size);
            } catch (OutOfMemoryError second) {
                collect(); // unreachable tensors still hold blocks
                trim();
                return memory.allocate(size);
            }
        }
    }
}
