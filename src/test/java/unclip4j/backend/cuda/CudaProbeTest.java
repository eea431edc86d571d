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
