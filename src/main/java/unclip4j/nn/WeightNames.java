package unclip4j.nn;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.WeakHashMap;
import unclip4j.tensor.Storage;
import unclip4j.tensor.Tensor;

/**
 * The checkpoint key of every weight loaded through {@link Params#load}, so that a profiler can
 * attribute an op to the module whose weight it reads without touching model code. Entries are
 * keyed by storage and element range, because layers pass views of their weights (a reshaped
 * 1×1 conv kernel, a slice of a fused QKV projection); the storage is held weakly, so freeing a
 * stage frees its entries.
 */
public final class WeightNames {
    private record Span(long end, String key) {}

    private static final Map<Storage, NavigableMap<Long, Span>> SPANS = new WeakHashMap<>();

    private WeightNames() {}

    static synchronized void register(Tensor weight, String key) {
        SPANS.computeIfAbsent(weight.storage(), s -> new TreeMap<>()).put(weight.offset(), new Span(weight.offset() + weight.numel(), key));
    }

    /** The full key of the weight that t is (or is a view of), e.g. {@code model.input_blocks.5.1.qkv.weight}; null if none. */
    public static synchronized String keyOf(Tensor t) {
        NavigableMap<Long, Span> spans = SPANS.get(t.storage());
        if (spans == null) return null;
        Map.Entry<Long, Span> e = spans.floorEntry(t.offset());
        return e != null && t.offset() < e.getValue().end() ? e.getValue().key() : null;
    }

    /** The module a key belongs to: the key without its last segment ({@code model.out.2.weight} → {@code model.out.2}). */
    public static String module(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }
}
