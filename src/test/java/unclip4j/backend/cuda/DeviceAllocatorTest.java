package unclip4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's bucket logic against a fake device memory. */
class DeviceAllocatorTest {

    /** Hands out increasing addresses up to a capacity; records frees. */
    static final class FakeMemory implements DeviceAllocator.Memory {
        final long capacity;
        long next = 1 << 12, used;
        final Map<Long, Long> live = new HashMap<>();
        final List<Long> freed = new ArrayList<>();
        int allocations;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) throw new OutOfMemoryError("fake device full");
            allocations++;
            long a = next;
            next += bytes;
            used += bytes;
            live.put(a, bytes);
            return a;
        }

        @Override
        public void free(long address) {
            used -= live.remove(address);
            freed.add(address);
        }
    }

    @Test
    void bucketsRoundSmallTo512AndLargeTo2MiB() {
        assertEquals(512, DeviceAllocator.bucketSize(0));
        assertEquals(512, DeviceAllocator.bucketSize(1));
        assertEquals(512, DeviceAllocator.bucketSize(512));
        assertEquals(1024, DeviceAllocator.bucketSize(513));
        assertEquals(1 << 20, DeviceAllocator.bucketSize(1 << 20));
        assertEquals(2 << 20, DeviceAllocator.bucketSize((1 << 20) + 1));
        assertEquals(4 << 20, DeviceAllocator.bucketSize((2 << 20) + 1));
        assertEquals(1L << 32, DeviceAllocator.bucketSize((1L << 32) - 5));
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.bucketSize(-1));
    }

    @Test
    void releasedBlocksAreReusedWithinTheirBucketOnly() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, mem.capacity);
        long x = a.allocate(1000);              // bucket 1024
        a.release(x, 1000);
        assertEquals(x, a.allocate(1023), "same bucket: the cached block comes back");
        long y = a.allocate(3000);              // bucket 3072: a fresh block
        assertNotEquals(x, y);
        assertEquals(2, mem.allocations);
        DeviceAllocator.Stats s = a.stats();
        assertEquals(1024 + 3072, s.bytesInUse());
        assertEquals(0, s.bytesCached());
        assertEquals(3, s.allocations());
        assertEquals(1, s.cacheHits());
    }

    @Test
    void trimFreesOnlyCachedBlocks() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, mem.capacity);
        long kept = a.allocate(5 << 20), cached = a.allocate(512);
        a.release(cached, 512);
        assertEquals(512, a.stats().bytesCached());
        a.trim();
        assertEquals(List.of(cached), mem.freed);
        assertEquals(0, a.stats().bytesCached());
        assertEquals(1, a.stats().blocksFreed());
        assertTrue(mem.live.containsKey(kept));
    }

    @Test
    void fullDeviceFreesTheCacheAndRetries() {
        FakeMemory mem = new FakeMemory(8 << 20);
        DeviceAllocator a = new DeviceAllocator(mem, mem.capacity);
        long b = a.allocate(6 << 20);
        a.release(b, 6 << 20);                  // cached, still holding device memory
        long c = a.allocate(4 << 20);           // different bucket: needs the cache freed first
        assertEquals(List.of(b), mem.freed);
        assertEquals(4 << 20, a.stats().bytesInUse());
        assertTrue(mem.live.containsKey(c));
        assertThrows(OutOfMemoryError.class, () -> a.allocate(6 << 20));
    }

    @Test
    void unreachableOwnersReturnTheirBlocksAtTheNextAllocation() throws InterruptedException {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, mem.capacity);
        Object kept = new Object();
        long k = a.allocate(kept, 4096);
        long dropped = a.allocate(new Object(), 8192);
        for (int i = 0; i < 50 && a.stats().cacheHits() == 0; i++) {
            System.gc();
            Thread.sleep(10);
            long again = a.allocate(8192);
            if (again != dropped) a.release(again, 8192); // not collected yet: give the fresh block back
        }
        assertTrue(a.stats().cacheHits() > 0, "the dropped owner's block came back");
        assertNotEquals(k, a.allocate(4096), "a live owner's block is never handed out again");
        Reference.reachabilityFence(kept);
    }

    @Test
    void theHeadroomTriggersACollectionAndPeaksAreTracked() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, 8 << 20, 1L << 30);
        for (int i = 0; i < 8; i++) a.allocate(new Object(), 2 << 20); // 16 MiB handed out, headroom 8 MiB
        DeviceAllocator.Stats s = a.stats();
        assertTrue(s.collections() >= 1, "a collection was requested once the headroom was used");
        assertTrue(s.peakInUse() >= 8 << 20 && s.peakReserved() >= s.peakInUse());
        a.resetPeaks();
        assertEquals(a.stats().bytesInUse(), a.stats().peakInUse());
    }

    @Test
    void aCacheOverItsLimitGivesBlocksBackBeforeTheDriverIsAskedForMore() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, 1L << 30, 4 << 20);
        long x = a.allocate(6 << 20);
        a.release(x, 6 << 20);                  // 6 MiB cached, over the 4 MiB limit
        a.allocate(2 << 20);                    // another size: the cache goes back first
        assertEquals(List.of(x), mem.freed);
        assertEquals(0, a.stats().bytesCached());
        assertEquals(1, a.stats().blocksFreed(), "counted: a bench shows how often a stage's blocks go back to the driver");
        long y = a.allocate(1 << 20);
        a.release(y, 1 << 20);                  // 1 MiB cached, under the limit: kept
        a.allocate(2 << 20);
        assertEquals(1 << 20, a.stats().bytesCached());
    }

    @Test
    void overTheLimitOnlyTheLeastRecentlyUsedSizesGoBack() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, 1L << 30, 4 << 20);
        long x = a.allocate(2 << 20), y = a.allocate(4 << 20);
        a.release(x, 2 << 20);
        a.release(y, 4 << 20);                  // 6 MiB cached; 2 MiB blocks used least recently
        a.allocate(6 << 20);                    // a miss: just enough goes back to be within 4 MiB
        assertEquals(List.of(x), mem.freed);
        assertEquals(4 << 20, a.stats().bytesCached());
        assertEquals(y, a.allocate(4 << 20), "the recently used size stayed cached");
    }

    @Test
    void theDefaultCacheIsAnEighthOfTheDeviceAndAtLeast2GiB() {
        assertEquals(10L << 30, DeviceAllocator.defaultCacheLimit(80L << 30));
        assertEquals(2L << 30, DeviceAllocator.defaultCacheLimit(12L << 30));
    }

    @Test
    void givenBackBlocksAreReusedAtOnceAndNeedNoCollection() {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, 8 << 20, 1L << 30);
        Object owner = new Object();
        for (int i = 0; i < 20; i++) {         // 40 MiB handed out over a headroom of 8, all given back
            long x = a.allocate(owner, 2 << 20);
            a.giveBack(x);
        }
        DeviceAllocator.Stats s = a.stats();
        assertEquals(0, s.collections(), "memory given back is not waited for");
        assertEquals(1, mem.allocations, "every request after the first is served from the cache");
        assertEquals(0, s.bytesInUse());
        assertEquals(2 << 20, s.bytesCached());
        long x = a.allocate(owner, 4096);
        a.giveBack(x);
        assertThrows(IllegalStateException.class, () -> a.giveBack(x), "a block is given back once");
        Reference.reachabilityFence(owner);
    }

    @Test
    void aBlockGivenBackIsNotReturnedAgainWhenItsFirstOwnerDies() throws InterruptedException {
        FakeMemory mem = new FakeMemory(1L << 30);
        DeviceAllocator a = new DeviceAllocator(mem, mem.capacity);
        long x = a.allocate(new Object(), 8192); // an owner that dies at once
        a.giveBack(x);
        Object second = new Object();
        assertEquals(x, a.allocate(second, 8192), "the block was cached when given back");
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
            a.allocate(512);                     // polls for unreachable owners
        }
        assertEquals(8192 + 5 * 512, a.stats().bytesInUse(), "the first owner's death did not release the second owner's block");
        assertEquals(0, a.stats().bytesCached());
        Reference.reachabilityFence(second);
    }
}
