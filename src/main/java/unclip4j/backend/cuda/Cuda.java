package unclip4j.backend.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Whether this JVM can run the CUDA backend, and if not, why, in one line: no driver library, JCuda's
 * natives not loadable, no device, a driver older than the kernels need, kernels not built. Each
 * step is guarded so that a machine without CUDA gets a reason, never a crash; the answer is computed
 * once. Order matters: libcuda is looked up through FFM first, because only then is it safe to let
 * JCuda load its JNI library (which links against libcuda).
 */
@SuppressWarnings("restricted") // libcuda is looked up through FFM before JCuda may load
public final class Cuda {
    static final String DRIVER_LIBRARY = "libcuda.so.1";

    /** The probe's result: the device when usable, else the reason. */
    public record Probe(DeviceInfo device, String reason) {
        public boolean available() {
            return reason == null;
        }
    }

    private static Probe probe;

    private Cuda() {}

    public static synchronized Probe probe() {
        if (probe == null) probe = run();
        return probe;
    }

    public static boolean available() {
        return probe().available();
    }

    /** Why CUDA cannot be used here, or null when it can. */
    public static String unavailableReason() {
        return probe().reason();
    }

    private static Probe run() {
        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Probe(null, "the bundled JCuda natives are for linux-x86_64, this is " + os + "/" + arch);
        }
        try {
            SymbolLookup.libraryLookup(DRIVER_LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            return new Probe(null, DRIVER_LIBRARY + " not found (no NVIDIA driver installed)");
        } catch (IllegalCallerException e) {
            return new Probe(null, "native access is disabled; run with --enable-native-access=ALL-UNNAMED");
        }
        DeviceInfo device;
        try {
            device = queryDevice();
        } catch (LinkageError e) {
            return new Probe(null, "JCuda's native library did not load: " + loadFailure(e.getMessage()));
        } catch (RuntimeException e) {
            return new Probe(null, "CUDA driver: " + e.getMessage());
        }
        if (device == null) return new Probe(null, "no CUDA device (cuDeviceGetCount = 0)");
        PtxModules.Manifest manifest = PtxModules.manifest();
        if (manifest == null) return new Probe(device, "kernels were not built (no nvcc at build time)");
        if (device.driverVersion() < manifest.driverMin()) {
            return new Probe(device, "driver too old: it supports CUDA " + device.driverApi() + ", the kernels were built by "
                    + manifest.nvcc() + " and need " + manifest.driverMin() / 1000 + "." + manifest.driverMin() % 1000 / 10);
        }
        if (device.ccMajor() < 8) {
            return new Probe(device, "compute capability " + device.computeCapability() + " is below 8.0, the oldest target the kernels are built for");
        }
        return new Probe(device, null);
    }

    /**
     * JCuda's load error in one line. Its message runs to a hundred lines: the stack traces of its two
     * attempts, loading the library from java.library.path (as ./unclip4j has it) and else unpacking it
     * into java.io.tmpdir, which fails where that folder is read-only or mounted noexec. Kept: the first
     * line of each attempt's trace, but for "not on java.library.path".
     */
    static String loadFailure(String message) {
        if (message == null || message.isBlank()) return "no reason given";
        List<String> lines = message.strip().lines().map(String::strip).toList();
        List<String> reasons = new ArrayList<>();
        boolean unpacked = false;
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (!lines.get(i).startsWith("Stack trace from the attempt to load the library as ")) continue;
            if (lines.get(i + 1).contains(" in java.library.path")) continue;
            reasons.add(lines.get(i + 1));
            unpacked |= lines.get(i).endsWith("as a resource:");
        }
        if (reasons.isEmpty()) return lines.getFirst();
        return String.join("; ", reasons) + (unpacked ? " (JCuda unpacks it into java.io.tmpdir, " + System.getProperty("java.io.tmpdir")
                + ", which must be writable and allow execution, where it is not on java.library.path as ./unclip4j puts it)" : "");
    }

    /** GPU 0, or null when the driver sees none. Throws jcuda.CudaException or a LinkageError. */
    private static DeviceInfo queryDevice() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] n = {0};
        JCudaDriver.cuDeviceGetCount(n);
        if (n[0] == 0) return null;
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, dev);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        long[] mem = {0};
        JCudaDriver.cuDeviceTotalMem(mem, dev);
        int[] driver = {0};
        JCudaDriver.cuDriverGetVersion(driver);
        return new DeviceInfo(new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR), attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                mem[0], attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), attribute(dev, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE),
                attribute(dev, CU_DEVICE_ATTRIBUTE_CLOCK_RATE), attribute(dev, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                attribute(dev, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH), driver[0]);
    }

    /** An attribute, or 0 where this driver no longer reports it (clock rates are deprecated in CUDA 13). */
    private static int attribute(CUdevice dev, int attribute) {
        int[] v = {0};
        try {
            JCudaDriver.cuDeviceGetAttribute(v, attribute, dev);
        } catch (RuntimeException e) {
            return 0;
        }
        return v[0];
    }
}
