package unclip4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A region of code whose tensors die with it: the memory of every tensor allocated on this thread
 * while the scope is open goes back when it closes, except what it {@link #keep keeps}.
 *
 * <p>Why: tensors have no close(), so without a scope their memory returns only after a garbage
 * collection notices them. One network evaluation allocates gigabytes (an SR U-Net at 256 px) that
 * the Java heap hardly sees, so a diffusion loop piles up garbage until a collection runs:
 * on the CPU that is peak RSS, on the GPU fresh {@code cuMemAlloc}s that stall the stream. A sampler
 * opens one scope per evaluation and keeps only the output:
 *
 * <pre>{@code
 * try (TensorScope evaluation = TensorScope.open()) {
 *     out = evaluation.keep(network.predict(x, t));
 * }
 * }</pre>
 *
 * <p>Host memory is seen through one shared {@link Arena} per scope, so a tensor used after its scope
 * closed fails at once ({@code IllegalStateException: Already closed}) instead of reading memory that
 * was handed on. Large host blocks come from, and go back to, a {@link HostBlockPool}, so a loop's
 * steps reuse mapped memory instead of faulting in fresh pages. Device memory ({@link Owned}, e.g. a
 * CUDA block) is released to its allocator and refuses the same way.
 *
 * <p>Long-lived values that code inside a scope builds on purpose (a cache, a per-thread buffer) are
 * made in {@link #outside}, where no scope captures anything (which is also how a benchmark compares
 * against garbage-collected memory). Allocations on other threads (the CPU backend's workers) are not
 * scoped. Scopes nest; they close in reverse order, on the thread that opened them.
 */
public final class TensorScope implements AutoCloseable {
    /** Memory other than host memory that a scope gives back when it closes (a device block). */
    public interface Owned {
        /** Returns the memory now; later use of it must fail. */
        void release();
    }

    /**
     * A storage whose bytes are host memory, possibly presented as something else (a test backend's
     * device-like storage): what {@link #keep} copies out of a closing scope.
     */
    public interface HostBacked extends Storage {
        HostStorage host();

        /** The same kind of storage over other host memory of the same size. */
        Storage rehost(HostStorage moved);
    }

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();
    /** The scope of code run {@link #outside} scopes: captures nothing, keeps everything as it is. */
    private static final TensorScope OFF = new TensorScope(null);

    private final TensorScope parent;
    private final Thread thread = Thread.currentThread();
    private Arena arena; // made at the first host allocation: closing a shared arena costs ~50 µs, and GPU layers rarely need one
    private final List<Owned> owned = new ArrayList<>();
    private final List<MemorySegment> borrowed = new ArrayList<>(); // pool blocks behind this scope's large tensors
    private long heldBytes, allocatedBytes;
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, nested in the current one if any ({@link #outside}: one that captures nothing). */
    public static TensorScope open() {
        TensorScope current = CURRENT.get();
        if (current == OFF) return OFF;
        TensorScope s = new TensorScope(current);
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static TensorScope current() {
        TensorScope s = CURRENT.get();
        return s == OFF ? null : s;
    }

    /**
     * Runs {@code work} with no scope capturing what it allocates, not even scopes it opens itself:
     * its tensors live until unreachable.
     */
    public static <T> T outside(Supplier<T> work) {
        return within(OFF, work);
    }

    private static <T> T within(TensorScope scope, Supplier<T> work) {
        TensorScope saved = CURRENT.get();
        set(scope);
        try {
            return work.get();
        } finally {
            set(saved);
        }
    }

    private static void set(TensorScope scope) {
        if (scope == null) CURRENT.remove();
        else CURRENT.set(scope);
    }

    /** Host memory that lives as long as this scope, {@link HostStorage#ALIGNMENT}-aligned and zeroed, as every fresh tensor is. */
    MemorySegment allocateHost(long bytes) {
        if (closed) throw new IllegalStateException("TensorScope is closed");
        heldBytes += bytes;
        for (TensorScope s = this; s != null; s = s.parent) s.allocatedBytes += bytes;
        if (bytes < HostBlockPool.MIN_BYTES) return arena().allocate(bytes, HostStorage.ALIGNMENT);
        return view(HostBlockPool.SHARED.take(bytes), bytes);
    }

    private Arena arena() {
        if (arena == null) arena = Arena.ofShared();
        return arena;
    }

    /** This scope's view of the first {@code bytes} of a pool block: it dies with the scope; the block returns to the pool. */
    private MemorySegment view(MemorySegment block, long bytes) {
        borrowed.add(block);
        return block.reinterpret(bytes, arena(), null);
    }

    /** Registers device memory allocated while this scope is current. */
    public void adopt(Owned memory) {
        if (this == OFF) return;
        if (closed) throw new IllegalStateException("TensorScope is closed");
        owned.add(memory);
    }

    /**
     * A tensor with t's values that survives this scope: t itself when its memory was not allocated
     * here or is device memory (which moves to the enclosing scope); a tensor over the same pool block
     * seen from the enclosing scope (large host memory: no copy); else a copy of its storage made
     * outside this scope.
     */
    public Tensor keep(Tensor t) {
        if (this == OFF) return t;
        Storage s = t.storage();
        if (s instanceof Owned o && owned.remove(o)) {
            if (parent != null) parent.adopt(o);
            return t;
        }
        if (!(s instanceof HostBacked hb) || arena == null || !hb.host().segment().scope().equals(arena.scope())) return t;
        MemorySegment mine = hb.host().segment();
        MemorySegment block = parent == null ? null : borrowedAt(mine.address());
        HostStorage moved;
        if (block != null) {
            borrowed.remove(block);
            heldBytes -= mine.byteSize();
            parent.heldBytes += mine.byteSize();
            moved = new HostStorage(parent.view(block, mine.byteSize()));
        } else {
            moved = within(parent, () -> HostStorage.allocate(mine.byteSize()));
            MemorySegment.copy(mine, 0, moved.segment(), 0, mine.byteSize());
        }
        return new Tensor(hb.rehost(moved), t.dtype(), t.offset(), t.shape(), t.strides());
    }

    /** The borrowed pool block starting at this address, or null. */
    private MemorySegment borrowedAt(long address) {
        for (MemorySegment b : borrowed) if (b.address() == address) return b;
        return null;
    }

    /**
     * Host bytes this scope holds: allocated while it was the innermost scope, or kept from scopes nested in it.
     * With {@link #allocatedBytes()}, how the tests measure what a scope frees.
     */
    public long heldBytes() {
        return heldBytes;
    }

    /** Host bytes allocated while this scope was open, by it and the scopes nested in it (freed or not). */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Gives back every block allocated in this scope that was not kept. */
    @Override
    public void close() {
        if (closed || this == OFF) return;
        if (Thread.currentThread() != thread || CURRENT.get() != this) {
            throw new IllegalStateException("TensorScopes close in the reverse order of opening, on the thread that opened them");
        }
        closed = true;
        set(parent);
        owned.forEach(Owned::release);
        owned.clear();
        if (arena != null) arena.close(); // first: no view of a borrowed block is usable once it is handed on
        borrowed.forEach(HostBlockPool.SHARED::give);
        borrowed.clear();
    }
}
