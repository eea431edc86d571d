package unclip4j.bench.cpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

/**
 * {@code CpuBackend.groupNorm} with 32 groups, FiLM scale-shift and SiLU fused (the decoder
 * ResBlock's {@code out_layers.0..1}), at the decoder's levels with the CFG batch of 2 and at the
 * SR's widest level. Memory-bound: {@code gbytes} = GB/s, counting one read of x for the
 * statistics, one for the output pass and one write: 3·N·C·H·W·4 bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_VECTOR, BenchJvm.NATIVE_ACCESS, BenchJvm.GC, BenchJvm.HEAP})
public class GroupNormBench {
    /** pooled: outputs recycled through a TensorScope, as in the pipeline; fresh: a new block per call (see BenchOutputs). */
    @Param({"pooled", "fresh"})
    public String outputs;

    /** N x C x H(=W). */
    @Param({"2x320x64", "2x640x32", "2x1280x8", "1x320x256"})
    public String shape;

    private final CpuBackend backend = new CpuBackend();
    private Tensor x, gamma, beta, scale, shift;
    private double gbPerCall;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbytes;
    }

    @Setup(Level.Trial)
    public void setup() {
        String[] d = shape.split("x");
        int n = Integer.parseInt(d[0]), c = Integer.parseInt(d[1]), hw = Integer.parseInt(d[2]);
        x = BenchTensors.uniform(1, n, c, hw, hw);
        gamma = BenchTensors.uniform(2, c);
        beta = BenchTensors.uniform(3, c);
        scale = BenchTensors.uniform(4, n, c);
        shift = BenchTensors.uniform(5, n, c);
        gbPerCall = 3e-9 * 4 * n * c * (double) hw * hw;
    }

    @Benchmark
    public Object groupNormScaleShiftSilu(Bytes bytes) {
        bytes.gbytes += gbPerCall;
        return BenchOutputs.run(outputs, () -> backend.groupNorm(x, 32, gamma, beta, 1e-5f, scale, shift, true));
    }
}
