package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import unclip4j.testing.Nvcc;
import unclip4j.Main;
import unclip4j.backend.cuda.Cuda;

/** doctor and bench kernels on whatever machine runs the tests (on a GPU-less one: the reasons). */
class DoctorCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Cli.execute(new Main(), args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void doctorReportsEverySectionAndTheGpuReason() {
        Run r = run("doctor");
        assertEquals(0, r.code(), r.err());
        for (String label : new String[] {"Java", "CPU", "GPU", "Kernels", "cuBLAS", "cuDNN", "NVTX", "Charts", "Settings", "Backend"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label)), label + " missing in:\n" + r.out());
        }
        assertTrue(r.out().contains(Runtime.version().toString()));
        assertTrue(r.out().contains("3×3 convolutions: " + unclip4j.backend.cpu.ConvAlgorithm.fromProperty().label()), r.out());
        if (!Cuda.available()) {
            assertTrue(r.out().contains("no GPU: ") || r.out().contains("cuda unavailable: " + Cuda.unavailableReason()), r.out());
        }
    }

    @Test
    void theGpuRowsSayHowMuchTheDeviceCacheKeeps() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("unclip4j.cuda.cacheMiB") == null, "-Dunclip4j.cuda.cacheMiB given: the default is not in use");
        assertEquals("device cache keeps up to 17.5 GiB of freed blocks (an eighth of the GPU's memory, at least 2 GiB; -Dunclip4j.cuda.cacheMiB sets it)",
                DoctorCommand.deviceCache(140L << 30));
        assertTrue(DoctorCommand.deviceCache(8L << 30).contains("up to 2.0 GiB"));
    }

    @Test
    void benchKernelsWithoutGpuExitsTwoWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Cuda.available(), "this machine has a GPU: bench kernels runs there instead of refusing");
        Run r = run("bench", "kernels", "--op", "gemm");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no GPU: " + Cuda.unavailableReason()), r.err());
    }

    @Test
    void benchKernelsShowsPtxasResourcesWithoutGpu() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Nvcc.present(),
                "nvcc not installed: kernels and their ptxas reports are not built on this machine");
        Run r = run("bench", "kernels", "--resources", "--op", "gemm", "--arch", "sm_80");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("gemm\\s+v3_regblock\\s+\\d+\\s+8192 .*")), r.out());
        assertTrue(r.out().contains("v6_wgmma_f16       (not built for sm_80)"), r.out());
        Run one = run("bench", "kernels", "--resources", "--op", "gemm", "--variant", "v3");
        assertEquals(0, one.code(), one.err());
        assertEquals(1, one.out().lines().filter(l -> l.startsWith("gemm ")).count(), one.out());
        // bad arguments: one error line, and no table started
        for (String[] args : new String[][] {{"--arch", "sm_75"}, {"--op", "launch"}, {"--variant", "v3"}}) {
            Run bad = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("bench", "kernels", "--resources"), java.util.Arrays.stream(args))
                    .toArray(String[]::new));
            assertEquals(2, bad.code(), String.join(" ", args));
            assertEquals("", bad.out(), String.join(" ", args));
        }
        assertTrue(run("bench", "kernels", "--resources", "--arch", "sm_75").err().contains("unknown architecture 'sm_75'"));
        assertTrue(run("bench", "kernels", "--arch", "sm_80").err().contains("it needs --resources"));
    }

    @Test
    void benchKernelsListsTheCatalogWithoutGpu() {
        Run r = run("bench", "kernels", "--list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("v3_regblock"), r.out());
        assertTrue(r.out().contains("v2_flash"), r.out());
    }

    /** A misspelt --op is named as such, on every path: not a full listing, not "no GPU". */
    @Test
    void benchKernelsNamesAnUnknownOpBeforeLookingForAGpu() {
        Run gemm = run("bench", "kernels", "--op", "gemm", "--list");
        assertEquals(0, gemm.code(), gemm.err());
        assertTrue(gemm.out().startsWith("gemm\n") && !gemm.out().contains("v2_flash"), gemm.out());
        Run listed = run("bench", "kernels", "--op", "bogus", "--list");
        assertEquals(Cli.USAGE_ERROR, listed.code());
        assertTrue(listed.err().startsWith("error: unknown kernel family 'bogus'"), listed.err());
        Run timed = run("bench", "kernels", "--op", "copy");
        assertEquals(Cli.USAGE_ERROR, timed.code());
        assertTrue(timed.err().startsWith("error: --op copy: bench kernels times gemm, conv2d"), timed.err());
        Run variant = run("bench", "kernels", "--op", "gemm", "--variant", "v99");
        assertEquals(Cli.USAGE_ERROR, variant.code());
        assertTrue(variant.err().startsWith("error: no variant 'v99' of gemm"), variant.err());
    }
}
