package unclip4j.backend;

import java.util.Locale;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.kernel.KernelChoice;

/** Opens a backend by name: {@code cpu} (fast), {@code reference} (the double-precision oracle), {@code cuda}. */
public final class Backends {
    private Backends() {}

    public static Backend open(String name) {
        return open(name, KernelChoice.defaults());
    }

    /** As {@link #open(String)}, with the CUDA kernel variants to run (ignored by the CPU backends). */
    public static Backend open(String name, KernelChoice kernels) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend();
            case "reference" -> new ReferenceOps();
            case "cuda" -> CudaBackend.open(kernels);
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, cuda or reference)");
        };
    }
}
