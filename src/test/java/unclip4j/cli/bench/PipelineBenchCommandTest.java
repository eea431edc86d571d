package unclip4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.run;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.cli.Cli;
import unclip4j.cli.CliRunner;

class PipelineBenchCommandTest {
    @Test
    void tinyRunReportsEveryStageAndEndsWithTheTotal() {
        CliRunner.Result r = run("bench", "pipeline", "--config", "tiny", "--random-weights", "--steps", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        for (String stage : List.of("text ", "prior ", "decoder ", "sr ")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(stage) && l.contains("GFLOP/s") && l.contains("peak RSS")), r.out());
        }
        assertTrue(lines.getLast().matches("pipeline cpu f32 total \\d+\\.\\d{2} s \\d+\\.\\d{4} TFLOP/s"), lines.getLast());
    }

    @Test
    void halfPrecisionWeightsAreNamedInTheHeader() {
        CliRunner.Result r = run("bench", "pipeline", "--config", "tiny", "--random-weights", "--steps", "1", "--warmup", "0",
                "--stages", "prior", "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().findFirst().orElseThrow().contains("bf16 weights, f32 arithmetic"), r.out());
        assertTrue(r.out().lines().toList().getLast().startsWith("pipeline cpu bf16 total "), r.out());
    }

    /** --profile splits the CPU's convolutions by kernel size and algorithm; --cpu-conv names the backend. */
    @Test
    void profileNamesTheCpuConvAlgorithm() {
        CliRunner.Result r = run("bench", "pipeline", "--config", "tiny", "--random-weights", "--steps", "1", "--warmup", "0",
                "--stages", "sr", "--profile", "--cpu-conv", "winograd_f2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().findFirst().orElseThrow().contains("device cpu-vector conv=winograd_f2"), r.out());
        assertTrue(r.out().contains("conv2d 3x3 winograd_f2 "), r.out());
        assertTrue(r.out().contains("conv2d 1x1 im2col "), r.out());
    }

    @Test
    void unavailableDeviceOrKernelChoiceIsOneLine() {
        for (String[] args : List.of(new String[] {"--device", "cuda"}, new String[] {"--kernel", "gemm=v2"})) {
            String[] full = new String[args.length + 5];
            System.arraycopy(new String[] {"bench", "pipeline", "--config", "tiny", "--random-weights"}, 0, full, 0, 5);
            System.arraycopy(args, 0, full, 5, args.length);
            CliRunner.Result r = run(full);
            assertEquals(Cli.USAGE_ERROR, r.code());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }

    @Test
    void anUnknownDtypeIsAUsageError() {
        CliRunner.Result r = run("bench", "pipeline", "--config", "tiny", "--random-weights", "--dtype", "f8");
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("f8"), r.err());
    }
}
