package unclip4j.bench.cpu;

import java.util.function.Supplier;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * Where an op's output memory comes from, the op benchmarks' {@code outputs} parameter:
 * <ul>
 *   <li>{@code pooled}: the call runs in a {@link TensorScope}, so its output goes back to the host
 *       block pool and the next call reuses it, as every evaluation in the pipeline does. Each call
 *       also pays its scope's close (tens of µs), and outputs under 1 MiB are not pooled: compare
 *       small ops with care;</li>
 *   <li>{@code fresh}: a new off-heap block every call, freed by the GC. The kernel touches its pages
 *       for the first time: on the 2-core EPYC an 84 MB block costs about 26 ms of page faults,
 *       more than the group norm that fills it.</li>
 * </ul>
 */
final class BenchOutputs {
    private BenchOutputs() {}

    /** Runs the op as the parameter says; returns something JMH consumes, so the call is not optimised away. */
    static Object run(String outputs, Supplier<Tensor> op) {
        return switch (outputs) {
            case "pooled" -> {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor t = op.get();
                    yield t.getFloat(new long[t.rank()]);
                }
            }
            case "fresh" -> op.get();
            default -> throw new IllegalArgumentException("outputs must be pooled or fresh, got " + outputs);
        };
    }
}
