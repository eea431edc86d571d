package unclip4j.bench.cpu;

import java.util.concurrent.TimeUnit;
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
 * {@code CpuBackend.attention} at the model's shapes (B = 2, the CFG batch; head dim 64):
 * the prior (32 heads, 81 tokens, causal) and the decoder's attention levels, where the 81 context
 * tokens come before the H·W image positions: 32² (10 heads, 1024 queries, 1105 keys), 16²
 * (15 heads, 256 / 337), 8² (20 heads, 64 / 145). {@code gflops} = 4·B·H·Tq·Tk·D per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_VECTOR, BenchJvm.NATIVE_ACCESS, BenchJvm.GC, BenchJvm.HEAP})
public class AttentionBench {
    /** pooled: outputs recycled through a TensorScope, as in the pipeline; fresh: a new block per call (see BenchOutputs). */
    @Param({"pooled", "fresh"})
    public String outputs;

    /** name: heads x queries x keys, causal or not. */
    @Param({"prior:32x81x81:causal", "decoder32:10x1024x1105:full", "decoder16:15x256x337:full", "decoder8:20x64x145:full"})
    public String shape;

    private static final int BATCH = 2, HEAD_DIM = 64;
    private final CpuBackend backend = new CpuBackend();
    private Tensor q, k, v;
    private boolean causal;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setup() {
        String[] parts = shape.split(":");
        String[] d = parts[1].split("x");
        int h = Integer.parseInt(d[0]), tq = Integer.parseInt(d[1]), tk = Integer.parseInt(d[2]);
        causal = parts[2].equals("causal");
        q = BenchTensors.uniform(1, BATCH, h, tq, HEAD_DIM);
        k = BenchTensors.uniform(2, BATCH, h, tk, HEAD_DIM);
        v = BenchTensors.uniform(3, BATCH, h, tk, HEAD_DIM);
        gflopPerCall = 4e-9 * BATCH * h * (double) tq * tk * HEAD_DIM;
    }

    @Benchmark
    public Object attention(Gflops flops) {
        flops.gflops += gflopPerCall;
        return BenchOutputs.run(outputs, () -> backend.attention(q, k, v, null, causal, 0.125f));
    }
}
