package unclip4j.backend;

import java.util.Locale;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.backend.cuda.CudaBackend;

/** Opens a backend by name: {@code cpu} (fast), {@code reference} (the double-precision oracle), {@code cuda}. */
public final class Backends {
    private Backends() {}

    public static Backend open(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend();
            case "reference" -> new ReferenceOps();
            case "cuda" -> CudaBackend.open();
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, cuda or reference)");
        };
    }
}
