package unclip4j.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;

/** Finds an optional shared library among versioned names, for the FFM bindings (cuBLAS, cuDNN, NVTX). */
@SuppressWarnings("restricted") // looking up optional libraries is why this class exists
final class NativeLibraries {
    private NativeLibraries() {}

    /** The first of the names that loads, with its lookup. */
    record Found(String name, SymbolLookup lookup) {}

    /** The first library that loads, or null (also when native access is disabled). */
    static Found first(List<String> names) {
        for (String n : names) {
            try {
                return new Found(n, SymbolLookup.libraryLookup(n, Arena.global()));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                // not installed under this name (or native access off): try the next one
            }
        }
        return null;
    }
}
