package unclip4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import unclip4j.testing.Nvcc;

class KernelResourcesTest {
    /** ptxas -v as nvcc 13 prints it: entries, a device function with a frame of its own, optional smem and stack. */
    private static final String REPORT = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'gemm_v3_regblock' for 'sm_80'
            ptxas info    : Function properties for gemm_v3_regblock
                0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 128 registers, used 1 barriers, 8192 bytes smem, 472 bytes cmem[0]
            ptxas info    : Function properties for helper_not_inlined
                96 bytes stack frame, 8 bytes spill stores, 8 bytes spill loads
            ptxas info    : Compiling entry function 'timestep_embedding_v1_naive' for 'sm_80'
            ptxas info    : Function properties for timestep_embedding_v1_naive
                40 bytes stack frame, 4 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 30 registers, used 0 barriers, 40 bytes cumulative stack size, 448 bytes cmem[0]
            ptxas info    : Compiling entry function 'softmax_v3_online' for 'sm_90'
            ptxas info    : Function properties for softmax_v3_online
                0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 20 registers, used 0 barriers
            """;

    @Test
    void readsEveryEntryAndIgnoresDeviceFunctions() {
        Map<String, KernelResources.Usage> u = KernelResources.parse(REPORT);
        assertEquals(List.of("gemm_v3_regblock", "timestep_embedding_v1_naive", "softmax_v3_online"), List.copyOf(u.keySet()));
        assertEquals(new KernelResources.Usage(128, 1, 8192, 0, 0, 0), u.get("gemm_v3_regblock"));
        assertEquals(new KernelResources.Usage(30, 0, 0, 40, 4, 12), u.get("timestep_embedding_v1_naive"));
        assertEquals(new KernelResources.Usage(20, 0, 0, 0, 0, 0), u.get("softmax_v3_online"));
    }

    @Test
    void warpsPerSmFromRegisters() {
        // 4 sub-partitions of 16384 registers, given to a warp in units of 256 (as cuda_occupancy.h)
        assertEquals(64, usage(32).warpsByRegisters("sm_90"));  // 1024 per warp: 16 per sub-partition, the SM's limit
        assertEquals(48, usage(32).warpsByRegisters("sm_86"));  // sm_86 holds 48 warps at most
        assertEquals(48, usage(40).warpsByRegisters("sm_90"));  // 1280 per warp: 12 per sub-partition (not 65536 / 1280 = 51)
        assertEquals(20, usage(96).warpsByRegisters("sm_80"));  // 3072 per warp: 5
        assertEquals(16, usage(120).warpsByRegisters("sm_90")); // 3840 per warp: 4
        assertEquals(16, usage(128).warpsByRegisters("sm_80")); // 4096 per warp: 4
        assertEquals(24, usage(79).warpsByRegisters("sm_90"));  // 2528 rounds up to 2560: 6
        assertEquals(8, usage(255).warpsByRegisters("sm_90"));  // 8160 rounds up to 8192: 2
        assertThrows(IllegalArgumentException.class, () -> usage(32).warpsByRegisters("sm_75"));
    }

    private static KernelResources.Usage usage(int registers) {
        return new KernelResources.Usage(registers, 0, 0, 0, 0, 0);
    }

    @Test
    void everyBuiltKernelHasItsReport() {
        Assumptions.assumeTrue(Nvcc.present(), "nvcc not installed: kernels are not built on this machine");
        List<String> missing = new ArrayList<>();
        for (KernelVariant v : KernelCatalog.all()) {
            if (v.isLibrary()) continue;
            // gemm_sm90.cu (wgmma) is built for Hopper only
            for (String arch : v.module().equals("gemm_sm90") ? List.of("sm_90") : KernelResources.ARCHS) {
                KernelResources.Usage u = KernelResources.of(v.module(), arch).get(v.symbol());
                if (u == null) missing.add(v.symbol() + "@" + arch);
                else assertTrue(u.registers() > 0 && u.registers() <= 255, v.symbol() + "@" + arch + ": " + u);
            }
        }
        assertTrue(missing.isEmpty(), "no ptxas report for " + missing);
        assertNotNull(KernelResources.of("gemm", "sm_90").get("gemm_v3_regblock"));
        assertTrue(KernelResources.of("gemm_sm90", "sm_80").isEmpty(), "gemm_sm90 has no sm_80 cubin");
    }
}
