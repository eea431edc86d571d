package unclip4j.backend;

import java.util.Locale;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;

/** Opens a backend by name: {@code cpu} (fast), {@code reference} (the double-precision oracle), {@code cuda}. */
public final class Backends {
    private Backends() {}

    public static Backend open(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend();
            case "reference" -> new ReferenceOps();
            case "cuda" -> throw new IllegalArgumentException("the CUDA backend is not part of this build yet; use --device cpu");
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, cuda or reference)");
        };
    }
}
