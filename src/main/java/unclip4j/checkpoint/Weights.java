package unclip4j.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * A {@link StateDict} seen through a key prefix, for building modules 1:1 from checkpoint keys:
 * {@code new ResBlock(w.at("input_blocks.1.0"), ...)} then {@code w.get("in_layers.2.weight", out, in, 3, 3)}.
 *
 * <p>Loading is strict: every {@code get} is recorded; a missing or mis-shaped key does not stop
 * construction but is collected, and {@link #finish()} throws one {@link CheckpointException}
 * listing every missing, mis-shaped and unexpected (never requested) key by name.
 */
public final class Weights {
    /** Shared by every prefix view of one load. */
    private static final class Ledger {
        final StateDict dict;
        final DType storage;
        final Set<String> used = new HashSet<>();
        final List<String> problems = new ArrayList<>();

        Ledger(StateDict dict, DType storage) {
            this.dict = dict;
            this.storage = storage;
        }
    }

    private final Ledger ledger;
    private final String prefix;

    /** Weights kept in F32 by the layers that load them. */
    public Weights(StateDict dict) {
        this(dict, DType.F32);
    }

    /**
     * @param storage the dtype layers keep their floating-point parameters in (F32, F16 or BF16:
     *                {@code --dtype}); the backends compute in F32 whatever it is
     */
    public Weights(StateDict dict, DType storage) {
        this(new Ledger(dict, requireFloat(storage)), "");
    }

    private static DType requireFloat(DType d) {
        if (d != DType.F32 && d != DType.F16 && d != DType.BF16) throw new IllegalArgumentException("weights can be kept in F32, F16 or BF16, not " + d);
        return d;
    }

    private Weights(Ledger ledger, String prefix) {
        this.ledger = ledger;
        this.prefix = prefix;
    }

    /** A view one level down: {@code at("in_layers.0")} makes keys relative to {@code prefix + "in_layers.0."}. */
    public Weights at(String child) {
        return new Weights(ledger, prefix + child + ".");
    }

    public String prefix() {
        return prefix;
    }

    /** The module these weights belong to: the prefix without its trailing dot, e.g. {@code model.input_blocks.4.1}. */
    public String module() {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** The dtype layers keep their parameters in. */
    public DType storage() {
        return ledger.storage;
    }

    public StateDict dict() {
        return ledger.dict;
    }

    public boolean has(String name) {
        return ledger.dict.contains(prefix + name);
    }

    /**
     * The tensor at {@code prefix + name}, checked against expectedShape (omit to accept any shape).
     * A missing or mis-shaped tensor is recorded and a zero tensor of the expected shape is returned,
     * so that {@link #finish()} can report every problem at once.
     */
    public Tensor get(String name, long... expectedShape) {
        String key = prefix + name;
        ledger.used.add(key);
        if (!ledger.dict.contains(key)) {
            ledger.problems.add("missing  " + key + "   expected " + Shape.toString(expectedShape));
            return Tensor.zeros(unclip4j.tensor.DType.F32, expectedShape);
        }
        TensorInfo info = ledger.dict.info(key);
        if (expectedShape.length > 0 && !Arrays.equals(info.shape(), expectedShape)) {
            ledger.problems.add("shape    " + key + "   checkpoint " + Shape.toString(info.shape())
                    + "  model " + Shape.toString(expectedShape));
            return Tensor.zeros(unclip4j.tensor.DType.F32, expectedShape);
        }
        return ledger.dict.get(key);
    }

    /** Marks keys as deliberately not used (e.g. CLIP's 0-dim config buffers). */
    public void ignore(String... names) {
        for (String n : names) ledger.used.add(prefix + n);
    }

    /** Throws one exception listing every missing, mis-shaped and unexpected key; returns quietly if none. */
    public void finish(String modelDescription) {
        List<String> lines = new ArrayList<>(ledger.problems);
        Set<String> unexpected = new TreeSet<>(ledger.dict.keys());
        unexpected.removeAll(ledger.used);
        for (String k : unexpected) lines.add("unexpected " + k + "   " + Shape.toString(ledger.dict.info(k).shape()));
        if (!lines.isEmpty()) {
            throw new CheckpointException(ledger.dict.source() + " does not match " + modelDescription + " ("
                    + lines.size() + " problems): " + String.join("; ", lines));
        }
    }
}
