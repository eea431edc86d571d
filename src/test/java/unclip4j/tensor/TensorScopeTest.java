package unclip4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scoped tensor lifetimes: what dies with a scope, what survives it, and that misuse is loud. */
class TensorScopeTest {

    @AfterEach
    void noScopeLeftOpen() {
        assertNull(TensorScope.current(), "a test left a scope open on this thread");
    }

    /** Device memory stand-in: counts its releases. */
    static final class Block implements Storage, TensorScope.Owned {
        int releases;

        @Override
        public Device device() {
            return Device.CUDA;
        }

        @Override
        public long byteSize() {
            return 16;
        }

        @Override
        public void release() {
            releases++;
        }
    }

    @Test
    void hostTensorsAllocatedInAScopeFailOnceItCloses() {
        Tensor before = Tensor.of(new float[] {1, 2}, 2);
        Tensor inside;
        try (TensorScope scope = TensorScope.open()) {
            assertSame(scope, TensorScope.current());
            inside = Tensor.of(new float[] {3, 4, 5}, 3);
            assertEquals(4f, inside.getFloat(1));
            assertTrue(scope.heldBytes() >= 12 && scope.allocatedBytes() == scope.heldBytes());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> inside.getFloat(0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals(2f, before.getFloat(1), "tensors from before the scope live on");
    }

    @Test
    void keepCopiesHostTensorsOutWithTheirViewIntact() {
        Tensor kept;
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            Tensor view = x.transpose(0, 1).slice(0, 1, 3); // [2, 2], strided, offset 1
            kept = scope.keep(view);
            assertNotSame(view, kept);
            assertArrayEquals(view.strides(), kept.strides());
            assertEquals(view.offset(), kept.offset());
        }
        assertArrayEquals(new long[] {2, 2}, kept.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5}, kept.contiguous().toFloatArray());
        Tensor outside = Tensor.of(new float[] {7}, 1);
        try (TensorScope scope = TensorScope.open()) {
            assertSame(outside, scope.keep(outside), "a tensor from outside needs no copy");
        }
    }

    @Test
    void nestedScopesHandKeptTensorsToTheEnclosingOne() {
        Tensor kept;
        Block device = new Block();
        try (TensorScope outer = TensorScope.open()) {
            Tensor fromInner;
            try (TensorScope inner = TensorScope.open()) {
                fromInner = inner.keep(Tensor.of(new float[] {9}, 1));
                inner.adopt(device);
                assertSame(inner, TensorScope.current());
                Tensor t = new Tensor(device, DType.F32, 0, new long[] {4}, new long[] {1});
                assertSame(t, inner.keep(t), "device memory moves, it is not copied");
            }
            assertSame(outer, TensorScope.current());
            assertEquals(0, device.releases, "kept by the inner scope: now the outer one's");
            assertEquals(2 * 4, outer.allocatedBytes(), "the inner allocation and the kept copy");
            assertEquals(4, outer.heldBytes(), "only the kept copy is the outer scope's");
            assertEquals(9f, fromInner.getFloat(0));
            kept = fromInner;
        }
        assertEquals(1, device.releases, "released with the outer scope, once");
        assertThrows(IllegalStateException.class, () -> kept.getFloat(0), "the copy lived in the outer scope");
    }

    @Test
    void deviceMemoryIsReleasedOnceUnlessKeptByTheOutermostScope() {
        Block released = new Block(), kept = new Block();
        try (TensorScope scope = TensorScope.open()) {
            scope.adopt(released);
            scope.adopt(kept);
            scope.keep(new Tensor(kept, DType.F32, 0, new long[] {4}, new long[] {1}));
            scope.close();
            scope.close(); // closing twice is harmless
        }
        assertEquals(1, released.releases);
        assertEquals(0, kept.releases, "kept with no enclosing scope: left to its allocator's garbage collection");
    }

    @Test
    void outsideAllocatesLongLivedValuesInsideAScope() {
        Tensor cached;
        try (TensorScope scope = TensorScope.open()) {
            cached = TensorScope.outside(() -> Tensor.of(new float[] {6}, 1));
            assertSame(scope, TensorScope.current(), "outside restores the scope");
        }
        assertEquals(6f, cached.getFloat(0));
    }

    @Test
    void scopesOpenedOutsideScopesCaptureNothing() {
        Tensor t;
        Block device = new Block();
        try (TensorScope outer = TensorScope.open()) {
            t = TensorScope.outside(() -> {
                try (TensorScope inner = TensorScope.open()) {
                    assertNull(TensorScope.current());
                    inner.adopt(device);
                    return inner.keep(Tensor.of(new float[] {5}, 1));
                }
            });
            assertSame(outer, TensorScope.current());
        }
        assertEquals(5f, t.getFloat(0));
        assertEquals(0, device.releases);
    }

    @Test
    void scopesCloseInReverseOrderOnTheirOwnThread() throws Exception {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        CompletionException other = assertThrows(CompletionException.class, () -> CompletableFuture.runAsync(inner::close).join());
        assertInstanceOf(IllegalStateException.class, other.getCause(), "another thread may not close it");
        inner.close();
        outer.close();
        assertThrows(IllegalStateException.class, () -> outer.adopt(new Block()), "a closed scope takes nothing");
    }

    @Test
    void otherThreadsAllocateOutsideTheScope() throws Exception {
        List<Tensor> fromWorker = new ArrayList<>();
        try (TensorScope scope = TensorScope.open()) {
            CompletableFuture.runAsync(() -> fromWorker.add(Tensor.of(new float[] {8}, 1))).get();
        }
        assertEquals(8f, fromWorker.getFirst().getFloat(0));
    }
}
