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
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

/**
 * {@code CpuBackend.conv2d}, 3×3 stride 1 padding 1, N×C×H×W → C output channels (the ResBlock convs
 * of each level, spec §6.4 and §7): the decoder's levels with the CFG batch of 2, and SR's with batch 1,
 * for each {@code ConvAlgorithm}. The {@code gflops} column is the direct convolution's GFLOP/s
 * (2·N·H·W·C·C·9 per call) whatever the algorithm, so Winograd shows as its effective rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_VECTOR, BenchJvm.NATIVE_ACCESS, BenchJvm.GC, BenchJvm.HEAP})
public class Conv2dBench {
    /** pooled: outputs recycled through a TensorScope, as in the pipeline; fresh: a new block per call (see BenchOutputs). */
    @Param({"pooled", "fresh"})
    public String outputs;

    /** N x C x H(=W): decoder levels 64², 32², 16², 8²; SR levels 256², 128², 64², 32². */
    @Param({"2x320x64", "2x640x32", "2x960x16", "2x1280x8", "1x320x256", "1x640x128", "1x960x64", "1x1280x32"})
    public String shape;

    /** A {@code ConvAlgorithm} label. */
    @Param({"auto", "im2col", "winograd_f2", "winograd_f4"})
    public String algorithm;

    private CpuBackend backend;
    private Tensor x, w, bias;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setup() {
        String[] d = shape.split("x");
        int n = Integer.parseInt(d[0]), c = Integer.parseInt(d[1]), hw = Integer.parseInt(d[2]);
        x = BenchTensors.uniform(1, n, c, hw, hw);
        w = BenchTensors.uniform(2, c, c, 3, 3);
        bias = BenchTensors.uniform(3, c);
        gflopPerCall = 2e-9 * n * hw * hw * (double) c * c * 9;
        backend = new CpuBackend(ConvAlgorithm.parse(algorithm));
    }

    @Benchmark
    public Object conv3x3(Gflops flops) {
        flops.gflops += gflopPerCall;
        return BenchOutputs.run(outputs, () -> backend.conv2d(x, w, bias, 1, 1));
    }
}
