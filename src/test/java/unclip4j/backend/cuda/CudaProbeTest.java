package unclip4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe on any machine: it answers, never throws, and explains a "no". */
class CudaProbeTest {

    @Test
    void probeAnswersWithoutThrowing() {
        Cuda.Probe p = assertDoesNotThrow(Cuda::probe);
        assertEquals(p.available(), Cuda.available());
        if (p.available()) {
            assertNull(Cuda.unavailableReason());
            assertNotNull(p.device());
        } else {
            String reason = Cuda.unavailableReason();
            assertNotNull(reason);
            assertFalse(reason.isBlank());
        }
        assertTrue(Cuda.probe() == p, "the probe runs once");
    }

    @Test
    void openingWithoutCudaGivesTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Cuda.available(), "this machine has a GPU: opening CUDA succeeds there");
        IllegalStateException e = assertThrows(IllegalStateException.class, CudaContext::open);
        assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
        assertThrows(IllegalStateException.class, CudaBackend::open);
    }

    @Test
    void nvtxRangesNeverFail() {
        assertDoesNotThrow(() -> {
            try (Nvtx.Range r = Nvtx.range("unclip4j.test")) {
                Nvtx.push("inner");
                Nvtx.pop();
            }
        });
    }

    /** JCuda's error where /tmp is noexec (its shape as JCuda 12.6 writes it): one line, the reason and the folder to fix. */
    @Test
    void jcudaLoadFailureIsOneLine() {
        String jcuda = """
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Operating system name: Linux
                Architecture         : amd64
                Architecture bit size: 64
                ---(start of nested stack traces)---
                Stack trace from the attempt to load the library as a file:
                java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/java/packages/lib:/usr/lib64
                	at java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)
                	at jcuda.LibUtils.loadLibrary(LibUtils.java:168)
                Stack trace from the attempt to load the library as a resource:
                java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: failed to map segment from shared object
                	at java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
                ---(end of nested stack traces)---
                """;
        String reason = Cuda.loadFailure(jcuda);
        assertEquals(1, reason.lines().count(), reason);
        assertTrue(reason.startsWith("java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: failed to map segment from shared object"
                + " (JCuda unpacks it into java.io.tmpdir, "), reason);
        assertEquals("no such thing", Cuda.loadFailure("no such thing\nsecond line"));
        assertEquals("no reason given", Cuda.loadFailure(null));
    }

    @Test
    void peakFiguresFromDeviceAttributes() {
        DeviceInfo h100 = new DeviceInfo("H100", 9, 0, 80L << 30, 132, 50 << 20, 1_980_000, 2_619_000, 5120, 13000);
        assertEquals(3352, h100.peakGBs(), 1);
        assertEquals(66_908, h100.peakFp32Gflops(), 1);
        assertEquals("9.0", h100.computeCapability());
        assertEquals("13.0", h100.driverApi());
        DeviceInfo unknownClocks = new DeviceInfo("x", 9, 0, 1, 132, 0, 0, 0, 0, 13000);
        assertEquals(0, unknownClocks.peakGBs());
    }
}
