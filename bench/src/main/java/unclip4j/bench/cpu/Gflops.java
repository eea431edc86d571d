package unclip4j.bench.cpu;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * GFLOP per call, added up by each benchmark method; JMH reports an operations counter as a rate,
 * so the {@code gflops} column reads directly as GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Gflops {
    public double gflops;
}
