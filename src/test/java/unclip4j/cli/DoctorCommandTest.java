package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
        for (String label : new String[] {"Java", "CPU", "GPU", "Kernels", "cuBLAS", "cuDNN", "NVTX", "Backend"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label)), label + " missing in:\n" + r.out());
        }
        assertTrue(r.out().contains(Runtime.version().toString()));
        assertTrue(r.out().contains("3×3 convolutions: " + unclip4j.backend.cpu.ConvAlgorithm.fromProperty().label()), r.out());
        if (!Cuda.available()) {
            assertTrue(r.out().contains("no GPU: ") || r.out().contains("cuda unavailable: " + Cuda.unavailableReason()), r.out());
        }
    }

    @Test
    void benchKernelsWithoutGpuExitsTwoWithTheReason() {
        if (Cuda.available()) return;
        Run r = run("bench", "kernels", "--op", "gemm");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no GPU: " + Cuda.unavailableReason()), r.err());
    }

    @Test
    void benchKernelsListsTheCatalogWithoutGpu() {
        Run r = run("bench", "kernels", "--list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("v3_regblock"), r.out());
        assertTrue(r.out().contains("v2_flash"), r.out());
    }
}
