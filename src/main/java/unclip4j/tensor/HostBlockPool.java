package unclip4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import unclip4j.config.JvmSettings;

/**
 * Large host blocks that closed {@link TensorScope}s hand on to the next ones. Fresh memory costs a
 * page fault (and the kernel's zeroing) per 4 KiB page on first touch, and the C allocator maps and
 * unmaps blocks above 32 MiB on every malloc/free: without the pool, a full-size decoder+SR run took
 * 10.8 million page faults (docs/BENCHMARKS.md). Reused blocks are already mapped, so they only need
 * zeroing.
 *
 * <p>Only blocks of at least {@link #MIN_BYTES} are pooled (smaller ones are cheap for malloc), in
 * buckets of 2 MiB. The pool keeps at most {@code -Dunclip4j.cpu.poolMiB} (default 4096) cached; over
 * that, the sizes asked for least recently go first, so a stage's blocks make way for the next
 * stage's. Blocks let go are freed by the garbage collector (they come from automatic arenas), and
 * the whole cache is let go when a fresh block would exceed the JVM's direct-memory limit.
 */
public final class HostBlockPool {
    static final long MIN_BYTES = 1L << 20;
    static final long GRANULE = 2L << 20;
    /** System property: the cache's limit in MiB (default 4096). */
    public static final String LIMIT_PROPERTY = "unclip4j.cpu.poolMiB";
    static final HostBlockPool SHARED = new HostBlockPool(JvmSettings.mebibytes(LIMIT_PROPERTY, 4096),
            size -> Arena.ofAuto().allocate(size, HostStorage.ALIGNMENT)); // zeroed, freed once unreachable

    /** Bytes cached now; blocks asked for and how many of them came from the cache, since the start. */
    public record Stats(long cachedBytes, long blocksTaken, long blocksReused) {}

    private final long limit;
    private final LongFunction<MemorySegment> fresh;
    private final LinkedHashMap<Long, ArrayDeque<MemorySegment>> free = new LinkedHashMap<>(16, 0.75f, true); // LRU by size
    private long cachedBytes, takes, hits;

    /** At most {@code limit} bytes cached; new blocks from {@code fresh} (zeroed, aligned, OutOfMemoryError when full). */
    HostBlockPool(long limit, LongFunction<MemorySegment> fresh) {
        this.limit = limit;
        this.fresh = fresh;
    }

    /** The pool every {@link TensorScope} uses. */
    public static HostBlockPool shared() {
        return SHARED;
    }

    static long bucketSize(long bytes) {
        return Math.ceilDiv(bytes, GRANULE) * GRANULE;
    }

    /** A zeroed block of {@code bucketSize(bytes)} bytes, 64-byte aligned: a cached one if any, else fresh. */
    MemorySegment take(long bytes) {
        long size = bucketSize(bytes);
        MemorySegment block;
        synchronized (this) {
            takes++;
            ArrayDeque<MemorySegment> list = free.get(size);
            block = list == null ? null : list.poll();
            if (block != null) {
                cachedBytes -= size;
                hits++;
            }
        }
        if (block == null) return allocateFresh(size);
        block.asSlice(0, bytes).fill((byte) 0);
        return block;
    }

    /**
     * A new zeroed block. Pooled blocks count against the JVM's direct-memory limit like any other:
     * when the limit is reached, the cache is dropped and the allocation retried (the JVM collects the
     * dropped blocks before it gives up).
     */
    private MemorySegment allocateFresh(long size) {
        try {
            return fresh.apply(size);
        } catch (OutOfMemoryError full) {
            if (!trim()) throw full;
            return fresh.apply(size);
        }
    }

    /** Drops every cached block for the garbage collector to free; false if there was none. */
    synchronized boolean trim() {
        boolean any = cachedBytes > 0;
        free.clear();
        cachedBytes = 0;
        return any;
    }

    /** Caches a block from {@link #take} for reuse, letting blocks of the least recently used sizes go while over the limit. */
    synchronized void give(MemorySegment block) {
        long size = block.byteSize();
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(block);
        cachedBytes += size;
        for (Iterator<Map.Entry<Long, ArrayDeque<MemorySegment>>> it = free.entrySet().iterator(); cachedBytes > limit && it.hasNext(); ) {
            Map.Entry<Long, ArrayDeque<MemorySegment>> e = it.next(); // least recently used size first, this one last
            while (cachedBytes > limit && e.getValue().poll() != null) cachedBytes -= e.getKey();
            if (e.getValue().isEmpty()) it.remove();
        }
    }

    public synchronized Stats stats() {
        return new Stats(cachedBytes, takes, hits);
    }
}
