package unclip4j.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import unclip4j.tensor.Tensor;

/**
 * Name → tensor, as a checkpoint stores it, loaded lazily: readers register each tensor's
 * {@link TensorInfo} and a loader (usually a zero-copy view of a memory-mapped file); data is
 * touched only when {@link #get} asks for it. Insertion order is the file's order.
 */
public final class StateDict {
    private record Entry(TensorInfo info, Supplier<Tensor> loader) {}

    private final String source;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public StateDict(String source) {
        this.source = source;
    }

    /** Where this came from (a file path or a description), for messages. */
    public String source() {
        return source;
    }

    /** Registers a tensor; duplicate names are a checkpoint error. */
    public void put(TensorInfo info, Supplier<Tensor> loader) {
        if (entries.putIfAbsent(info.name(), new Entry(info, loader)) != null) {
            throw new CheckpointException(source + ": duplicate tensor name '" + info.name() + "'");
        }
    }

    public void put(String name, Tensor t) {
        put(new TensorInfo(name, t.dtype(), t.shape()), () -> t);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public int size() {
        return entries.size();
    }

    public TensorInfo info(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new CheckpointException(source + ": no tensor named '" + name + "'");
        return e.info;
    }

    /** The tensor's data (as stored: dtype unchanged). */
    public Tensor get(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new CheckpointException(source + ": no tensor named '" + name + "'");
        return e.loader.get();
    }

    /** Entries whose name starts with prefix, with the prefix removed. */
    public StateDict stripPrefix(String prefix) {
        StateDict out = new StateDict(source + " [" + prefix + "*]");
        entries.forEach((k, e) -> {
            if (k.startsWith(prefix)) {
                String n = k.substring(prefix.length());
                out.put(new TensorInfo(n, e.info.dtype(), e.info.shape()), e.loader);
            }
        });
        return out;
    }

    /** Every entry renamed by f (a null name drops the entry). */
    public StateDict rename(Function<String, String> f) {
        StateDict out = new StateDict(source);
        entries.forEach((k, e) -> {
            String n = f.apply(k);
            if (n != null) out.put(new TensorInfo(n, e.info.dtype(), e.info.shape()), e.loader);
        });
        return out;
    }

    @Override
    public String toString() {
        return "StateDict(" + source + ", " + entries.size() + " tensors)";
    }
}
