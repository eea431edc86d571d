package unclip4j.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * construction but is collected, and {@link #finish(String)} throws one {@link CheckpointException}
 * listing the missing, mis-shaped and unexpected (never requested) keys by name. Callers that know
 * the expected keys beforehand check them with {@link #requireExactly} before building anything.
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

    /**
     * The tensor at {@code prefix + name}, checked against expectedShape (omit to accept any shape).
     * A missing or mis-shaped tensor is recorded and a zero tensor of the expected shape is returned,
     * so that {@link #finish(String)} can report every problem at once.
     */
    public Tensor get(String name, long... expectedShape) {
        String key = prefix + name;
        ledger.used.add(key);
        if (!ledger.dict.contains(key)) {
            ledger.problems.add(missing(key, expectedShape));
            return Tensor.zeros(unclip4j.tensor.DType.F32, expectedShape);
        }
        long[] shape = ledger.dict.info(key).shape();
        if (expectedShape.length > 0 && !Arrays.equals(shape, expectedShape)) {
            ledger.problems.add(misShaped(key, shape, expectedShape));
            return Tensor.zeros(unclip4j.tensor.DType.F32, expectedShape);
        }
        return ledger.dict.get(key);
    }

    /**
     * Throws unless dict holds exactly the expected keys with these shapes (what {@link KarloKeys}
     * derives from a config). Checked before any layer is built, a checkpoint that does not fit its
     * config costs nothing: building first loads every tensor that fits and allocates a zero tensor
     * for every key that does not, which for an absurd config alone runs out of memory.
     */
    public static void requireExactly(StateDict dict, Map<String, long[]> expected, String modelDescription) {
        List<String> problems = new ArrayList<>();
        expected.forEach((key, shape) -> {
            if (!dict.contains(key)) problems.add(missing(key, shape));
            else if (!Arrays.equals(dict.info(key).shape(), shape)) problems.add(misShaped(key, dict.info(key).shape(), shape));
        });
        for (String k : new TreeSet<>(dict.keys())) if (!expected.containsKey(k)) problems.add(unexpected(dict, k));
        if (!problems.isEmpty()) throw mismatch(dict, modelDescription, problems);
    }

    /** Throws one exception listing the missing, mis-shaped and unexpected keys; returns quietly if none. */
    public void finish(String modelDescription) {
        List<String> lines = new ArrayList<>(ledger.problems);
        Set<String> unexpected = new TreeSet<>(ledger.dict.keys());
        unexpected.removeAll(ledger.used);
        for (String k : unexpected) lines.add(unexpected(ledger.dict, k));
        if (!lines.isEmpty()) throw mismatch(ledger.dict, modelDescription, lines);
    }

    private static String missing(String key, long[] expected) {
        return "missing  " + key + "   expected " + Shape.toString(expected);
    }

    private static String misShaped(String key, long[] shape, long[] expected) {
        return "shape    " + key + "   checkpoint " + Shape.toString(shape) + "  model " + Shape.toString(expected);
    }

    private static String unexpected(StateDict dict, String key) {
        return "unexpected " + key + "   " + Shape.toString(dict.info(key).shape());
    }

    private static CheckpointException mismatch(StateDict dict, String modelDescription, List<String> problems) {
        return new CheckpointException(dict.source() + " does not match " + modelDescription + ": " + listing(problems));
    }

    /** Problems listed, as many as DiffusersKeys lists: enough to see the pattern, not a line of kilobytes. */
    private static final int LISTED = 20;

    /**
     * "N problems: " and up to {@link #LISTED} of them, shared fairly among their kinds (the first word:
     * missing, shape, unexpected) so that a long run of one kind hides none of the others.
     */
    static String listing(List<String> problems) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (String p : problems) byKind.computeIfAbsent(p.split(" ", 2)[0], k -> new ArrayList<>()).add(p);
        int[] shown = new int[byKind.size()];
        List<List<String>> kinds = List.copyOf(byKind.values());
        for (int listed = 0, k = 0; listed < Math.min(LISTED, problems.size()); k = (k + 1) % kinds.size()) {
            if (shown[k] < kinds.get(k).size()) {
                shown[k]++;
                listed++;
            }
        }
        List<String> listed = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) listed.addAll(kinds.get(k).subList(0, shown[k]));
        int more = problems.size() - listed.size();
        return problems.size() + " problems: " + String.join("; ", listed) + (more > 0 ? "; … and " + more + " more" : "");
    }
}
