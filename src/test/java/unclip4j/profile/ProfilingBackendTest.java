package unclip4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.Weights;
import unclip4j.cli.CliRunner;
import unclip4j.nn.Params;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.TestTensors;

class ProfilingBackendTest {
    @TempDir
    Path tmp;

    private final Profiler profiler = new Profiler();
    private final ProfilingBackend backend = new ProfilingBackend(new CpuBackend(), profiler, OpTimer.HOST);

    private Profiler.Entry only(String op) {
        List<Profiler.Entry> rows = profiler.snapshot().stream().filter(e -> e.op.equals(op)).toList();
        assertEquals(1, rows.size(), op + ": " + rows.size() + " rows");
        return rows.getFirst();
    }

    @Test
    void countsFlopsAndBytesOfKnownOps() {
        backend.matmul(Tensor.zeros(unclip4j.tensor.DType.F32, 3, 5, 7), Tensor.zeros(unclip4j.tensor.DType.F32, 7, 11));
        assertEquals(2.0 * 3 * 5 * 11 * 7, only("matmul").flops());
        assertEquals(4.0 * (3 * 5 * 7 + 7 * 11 + 3 * 5 * 11), only("matmul").bytes());

        // [1,3,8,8] * [4,3,3,3], stride 2, padding 1 → [1,4,4,4]
        Tensor out = backend.conv2d(Tensor.zeros(unclip4j.tensor.DType.F32, 1, 3, 8, 8), Tensor.zeros(unclip4j.tensor.DType.F32, 4, 3, 3, 3), null, 2, 1);
        assertEquals(List.of(1L, 4L, 4L, 4L), java.util.Arrays.stream(out.shape()).boxed().toList());
        assertEquals(2.0 * 1 * 4 * 4 * 3 * 4 * 9, only("conv2d").flops());

        Tensor q = TestTensors.randn(1, 2, 2, 5, 8), k = TestTensors.randn(2, 2, 2, 6, 8);
        backend.attention(q, k, k, null, false, 0.5f);
        assertEquals(4.0 * 2 * 2 * 5 * 6 * 8, only("attention").flops());

        // a broadcast operand is read once: [4,1] expanded to [4,6]
        backend.add(Tensor.zeros(unclip4j.tensor.DType.F32, 4, 6), Tensor.zeros(unclip4j.tensor.DType.F32, 4, 1).expand(4, 6));
        assertEquals(4.0 * (24 + 4 + 24), only("add").bytes());
        assertEquals(0, only("add").flops());
        assertEquals(1, only("add").calls());
    }

    @Test
    void attributesOpsToTheModuleOfTheirWeightAndWeightlessOpsToTheLastModule() {
        StateDict sd = new StateDict("test");
        sd.put("model.blocks.3.fc.weight", TestTensors.randn(3, 6, 4));
        Tensor w = Params.load(backend, new Weights(sd, DType.F32).at("model").at("blocks.3").at("fc"), "weight", 6, 4);
        Tensor view = w.reshape(2, 3, 4).select(0, 1); // views of a weight still name it
        try (var stage = Profiler.stage("decoder")) {
            Tensor y = backend.linear(TestTensors.randn(5, 2, 4), w, null);
            backend.silu(y);
            backend.linear(TestTensors.randn(6, 2, 4), view, null);
        }
        backend.silu(TestTensors.randn(7, 2, 2));
        List<Profiler.Entry> rows = profiler.snapshot();
        Profiler.Entry matmul = rows.stream().filter(e -> e.op.equals("matmul")).findFirst().orElseThrow();
        assertEquals("model.blocks.3.fc", matmul.module);
        assertEquals("decoder", matmul.stage);
        assertEquals(2, matmul.calls());
        assertTrue(rows.stream().anyMatch(e -> e.op.equals("silu") && e.stage.equals("decoder") && e.module.equals("model.blocks.3.fc")));
        assertTrue(rows.stream().anyMatch(e -> e.op.equals("silu") && e.stage.equals(Profiler.NO_STAGE) && e.module.equals("model.blocks.3.fc")));
    }

    @Test
    void profileOfAnEmbeddedModelGenerationAddsUpToItsWallClockTime() {
        String[] sweep = {"sweep", "--prompt", "a red cube", "--prior-guidance", "4", "--decoder-guidance", "8",
                "--out", tmp.resolve("grid.png").toString(), "--profile", "--force"};
        // once untimed: class loading and first compilations happen before the profiler starts, and
        // on a fresh JVM they alone take several % of the wall clock
        assertEquals(0, CliRunner.run(sweep).code());
        long start = System.nanoTime();
        CliRunner.Result r = CliRunner.run(sweep);
        double wallMillis = (System.nanoTime() - start) / 1e6;
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("profile: ([0-9.]+) ms in total, ([0-9.]+) ms of it host time between ops").matcher(r.out());
        assertTrue(m.find(), r.out());
        double total = Double.parseDouble(m.group(1)), other = Double.parseDouble(m.group(2));
        System.out.printf("profile total %.1f ms, other %.1f ms, wall clock %.1f ms%n", total, other, wallMillis);
        assertTrue(Math.abs(total - wallMillis) <= 0.1 * wallMillis, "profile " + total + " ms vs wall clock " + wallMillis + " ms");
        assertTrue(r.out().contains("sr model_first_steps."), r.out());
        assertTrue(r.out().matches("(?s).*\\nconv2d +\\d+ .*GFLOP/s.*"), r.out());
    }
}
