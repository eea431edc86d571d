package unclip4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexRunsOnceAlsoWhenNested() {
        int n = 1001;
        AtomicIntegerArray hits = new AtomicIntegerArray(n * 3);
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int outer = i;
                Parallel.forRange(3, 1, (a, b) -> {
                    for (int j = a; j < b; j++) hits.incrementAndGet(outer * 3 + j);
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) assertEquals(1, hits.get(i), "index " + i);
    }

    @Test
    void exceptionsReachTheCaller() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(100, 1, (lo, hi) -> {
            if (hi == 100) throw new IllegalArgumentException("last chunk");
        }));
        assertEquals("last chunk", e.getMessage());
    }

    /** A worker's OutOfMemoryError reaches the caller as itself (the CLI's advice on -Xmx), not wrapped in an exception. */
    @Test
    void errorsReachTheCallerAsThemselves() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Parallel.threads() > 1, "one thread: the loop runs inline");
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> Parallel.forRange(100, 1, (lo, hi) -> {
            if (hi == 100) throw new OutOfMemoryError("Java heap space");
        }));
        assertEquals("Java heap space", e.getMessage());
    }
}
