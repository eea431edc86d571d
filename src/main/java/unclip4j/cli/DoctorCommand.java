package unclip4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cuda.Cublas;
import unclip4j.backend.cuda.Cuda;
import unclip4j.backend.cuda.Cudnn;
import unclip4j.backend.cuda.DeviceAllocator;
import unclip4j.backend.cuda.DeviceInfo;
import unclip4j.backend.cuda.LibraryProvider;
import unclip4j.backend.cuda.Nvtx;
import unclip4j.backend.cuda.PtxModules;
import unclip4j.kernel.KernelChoice;
import unclip4j.trace.Charts;

/** {@code unclip4j doctor}: what this machine offers (Java, CPU, GPU, libraries, kernels) and why anything is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report the Java runtime, CPU, GPU, CUDA libraries and built kernels, with the reason for anything missing.")
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : report()) spec.commandLine().getOut().println(line);
        return 0;
    }

    /** The report's lines (label, then detail). */
    static java.util.List<String> report() {
        java.util.List<String> out = new java.util.ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        out.add(row("Java", Runtime.version() + " (" + System.getProperty("java.vendor") + "), max heap "
                + rt.maxMemory() / (1 << 20) + " MiB"));
        out.add(row("CPU", rt.availableProcessors() + " cores, " + System.getProperty("os.arch") + ", " + System.getProperty("os.name")
                + "; Vector API: " + vectorApi()));
        out.add(row("", "3×3 convolutions: " + cpuConv()));
        Cuda.Probe p = Cuda.probe();
        DeviceInfo d = p.device();
        if (d == null) {
            out.add(row("GPU", "no GPU: " + p.reason()));
        } else {
            out.add(row("GPU", d.name() + ", compute capability " + d.computeCapability() + ", "
                    + String.format("%.1f GiB", d.totalMemory() / (double) (1L << 30)) + ", " + d.multiprocessors() + " SMs, driver API " + d.driverApi()));
            if (d.peakGBs() > 0) out.add(row("", String.format("peak ≈ %.0f GB/s DRAM, %.0f GFLOP/s FP32", d.peakGBs(), d.peakFp32Gflops())));
            out.add(row("", deviceCache(d.totalMemory())));
        }
        PtxModules.Manifest m = PtxModules.manifest();
        out.add(row("Kernels", m == null ? "not built (no nvcc at build time)"
                : m.modules().size() + " modules by " + m.nvcc() + "; PTX compute_80, cubins " + String.join(" ", m.cubinArchs())
                  + "; need a driver for CUDA " + m.driverMin() / 1000 + "." + m.driverMin() % 1000 / 10 + "+"));
        out.add(row("cuBLAS", provider(Cublas.provider())));
        out.add(row("cuDNN", provider(Cudnn.provider())));
        out.add(row("NVTX", Nvtx.library() == null ? "not installed (ranges are no-ops)" : Nvtx.library() + " (ranges active)"));
        out.add(row("Charts", Charts.unavailable().map(why -> "cannot be drawn: " + why + " (schedule --plot refuses, the trace leaves out cosine.png)")
                .orElse("drawn (a system font found); grid labels use the shipped bitmap font either way")));
        out.add(row("Settings", settings()));
        out.add(row("Backend", p.available() ? "cuda available; kernels " + KernelChoice.defaults().describe()
                : "cpu only (cuda unavailable: " + p.reason() + ")"));
        return out;
    }

    /** How much freed device memory the allocator keeps for reuse, and where that figure comes from. */
    static String deviceCache(long deviceMemory) {
        boolean given = System.getProperty(DeviceAllocator.CACHE_PROPERTY) != null;
        try {
            return String.format(java.util.Locale.ROOT, "device cache keeps up to %.1f GiB of freed blocks (%s)", DeviceAllocator.defaultCacheLimit(deviceMemory) / (double) (1L << 30),
                    given ? "-D" + DeviceAllocator.CACHE_PROPERTY : "an eighth of the GPU's memory, at least 2 GiB; -D" + DeviceAllocator.CACHE_PROPERTY + " sets it");
        } catch (IllegalArgumentException e) {
            return "device cache: " + e.getMessage();
        }
    }

    /** The -D settings given, and the first one other commands would refuse (doctor itself runs with any). */
    private static String settings() {
        List<String> given = SettingsCheck.given();
        String listed = given.isEmpty() ? "none given (-Dunclip4j.*)" : String.join(" ", given.stream().map(s -> "-D" + s).toList());
        try {
            SettingsCheck.run();
            return listed;
        } catch (IllegalArgumentException e) {
            return listed + "; refused: " + e.getMessage();
        }
    }

    private static String provider(LibraryProvider lp) {
        return lp.library() == null ? lp.reason() : lp.library() + " via FFM (loaded on first use)";
    }

    private static String cpuConv() {
        try {
            return ConvAlgorithm.fromProperty().label() + " (--cpu-conv, -D" + ConvAlgorithm.PROPERTY + ")";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String vectorApi() {
        try {
            return VectorProbe.describe();
        } catch (LinkageError e) {
            return "unavailable (start the JVM with --add-modules jdk.incubator.vector)";
        }
    }

    /** Separate class so that a JVM without the incubator module fails here, inside the catch. */
    private static final class VectorProbe {
        static String describe() {
            var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            return s.vectorBitSize() + "-bit preferred species (" + s.length() + " floats)";
        }
    }

    private static String row(String label, String detail) {
        return String.format("%-9s %s", label, detail);
    }
}
