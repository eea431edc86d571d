package unclip4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Reuse of large host blocks across scopes: zeroed on reuse, least recently used sizes evicted first. */
class HostBlockPoolTest {
    private static final long MIB = 1 << 20;

    private static MemorySegment fresh(long size) {
        return Arena.ofAuto().allocate(size, HostStorage.ALIGNMENT);
    }

    @Test
    void blocksComeBackZeroedFromTheirBucket() {
        HostBlockPool pool = new HostBlockPool(64 * MIB, HostBlockPoolTest::fresh);
        MemorySegment a = pool.take(3 * MIB);
        assertEquals(4 * MIB, a.byteSize(), "2 MiB buckets");
        assertEquals(0, a.address() % HostStorage.ALIGNMENT);
        a.fill((byte) 7);
        pool.give(a);
        MemorySegment b = pool.take(3 * MIB + 5);
        assertEquals(a.address(), b.address(), "same bucket: the cached block");
        assertEquals(0, b.get(ValueLayout.JAVA_BYTE, 3 * MIB + 4), "zeroed again up to the size asked for");
        assertNotEquals(a.address(), pool.take(3 * MIB).address(), "the cached block is handed out once");
        assertEquals(new HostBlockPool.Stats(0, 3, 1), pool.stats());
    }

    @Test
    void overTheLimitTheLeastRecentlyUsedSizesGoFirst() {
        HostBlockPool pool = new HostBlockPool(8 * MIB, HostBlockPoolTest::fresh);
        MemorySegment two = pool.take(2 * MIB), four = pool.take(4 * MIB), six = pool.take(6 * MIB);
        pool.give(two);
        pool.give(four);                               // 6 MiB cached
        pool.take(2 * MIB);                            // 2 MiB used again: now the most recent size...
        pool.give(two);
        pool.give(six);                                // 12 MiB > 8: the 4 MiB size goes, least recently used
        assertEquals(8 * MIB, pool.stats().cachedBytes());
        assertEquals(two.address(), pool.take(2 * MIB).address());
        assertEquals(six.address(), pool.take(6 * MIB).address());
        assertNotEquals(four.address(), pool.take(4 * MIB).address(), "evicted");
    }

    @Test
    void aFullDirectMemoryDropsTheCacheAndRetriesOnce() {
        int[] calls = {0};
        boolean[] full = {false};
        HostBlockPool pool = new HostBlockPool(64 * MIB, size -> {
            calls[0]++;
            if (full[0]) {
                full[0] = false;                  // the JVM's own collection frees the dropped blocks before the retry
                throw new OutOfMemoryError("Cannot reserve direct buffer memory");
            }
            return fresh(size);
        });
        pool.give(pool.take(6 * MIB));
        full[0] = true;
        assertEquals(4 * MIB, pool.take(4 * MIB).byteSize(), "another size: fresh, refused once, then granted");
        assertEquals(3, calls[0]);
        assertEquals(0, pool.stats().cachedBytes(), "the cache was dropped to make room");
        full[0] = true;
        assertThrows(OutOfMemoryError.class, () -> pool.take(8 * MIB), "nothing cached to drop: the error stands");
    }

    @Test
    void scopesHandLargeBlocksOnAndStaleViewsFail() {
        long bytes = 3 * MIB;
        Tensor stale;
        long address;
        try (TensorScope scope = TensorScope.open()) {
            stale = Tensor.zeros(DType.F32, bytes / 4);
            stale.setDouble(5, 10);
            address = stale.segment().address();
        }
        assertThrows(IllegalStateException.class, () -> stale.getFloat(10));
        try (TensorScope scope = TensorScope.open()) {
            Tensor next = Tensor.zeros(DType.F32, bytes / 4);
            assertEquals(address, next.segment().address(), "the block of the closed scope, reused");
            assertEquals(0f, next.getFloat(10), "and zeroed");
        }
    }

    @Test
    void keepingALargeTensorHandsItsBlockToTheEnclosingScopeWithoutACopy() {
        long n = (2 * MIB) / 4;
        Tensor kept, original;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                original = Tensor.zeros(DType.F32, n);
                original.setDouble(3, n - 1);
                kept = inner.keep(original);
                assertEquals(0, inner.heldBytes());
            }
            assertThrows(IllegalStateException.class, () -> original.getFloat(0), "the inner scope's view died with it...");
            assertEquals(original.segment().address(), kept.segment().address(), "same block, no copy");
            assertEquals(3f, kept.getFloat(n - 1));
            assertEquals(2 * MIB, outer.heldBytes());
            assertEquals(2 * MIB, outer.allocatedBytes(), "nothing allocated for the move");
        }
        assertThrows(IllegalStateException.class, () -> kept.getFloat(0), "...and the outer one with its scope");
    }
}
