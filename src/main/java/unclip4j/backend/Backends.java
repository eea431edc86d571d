package unclip4j.backend;

import java.util.List;
import java.util.Locale;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.kernel.KernelChoice;

/** Opens a backend by name: {@code cpu} (fast), {@code reference} (the double-precision oracle), {@code cuda}. */
public final class Backends {
    /** The --device names. */
    public static final List<String> NAMES = List.of("cpu", "cuda", "reference");

    private Backends() {}

    /** Fails unless name is one of {@link #NAMES} (any case). */
    public static void requireKnown(String name) {
        if (!NAMES.contains(name.toLowerCase(Locale.ROOT))) throw unknown(name);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown device '" + name + "' (expected " + String.join(", ", NAMES) + ")");
    }

    /** Library API for researchers (the CLI passes its options to the overload below): default kernels and settings. */
    public static Backend open(String name) {
        return open(name, KernelChoice.defaults(), null);
    }

    /**
     * @param kernels the CUDA kernel variants to run (ignored by the CPU backends)
     * @param cpuConv the CPU backend's 3×3 convolution algorithm (null: {@code -Dunclip4j.cpu.conv},
     *                else auto; ignored by the other backends)
     */
    public static Backend open(String name, KernelChoice kernels, ConvAlgorithm cpuConv) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> cpuConv == null ? new CpuBackend() : new CpuBackend(cpuConv);
            case "reference" -> new ReferenceOps();
            case "cuda" -> CudaBackend.open(kernels);
            default -> throw unknown(name);
        };
    }
}
