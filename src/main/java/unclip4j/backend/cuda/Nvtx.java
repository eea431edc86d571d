package unclip4j.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * NVTX ranges (named spans on the Nsight Systems timeline) through FFM on libnvtx3interop or
 * libnvToolsExt; every call is a no-op when neither library is installed. Without a profiler
 * attached the library's calls return immediately, so ranges may stay in production code.
 *
 * <pre>{@code try (var r = Nvtx.range("decoder.step")) { ... }}</pre>
 */
@SuppressWarnings("restricted") // FFM downcalls into an optional vendor library: the point of this class
public final class Nvtx {
    private static final List<String> LIBRARIES = List.of("libnvtx3interop.so.1", "libnvtx3interop.so", "libnvToolsExt.so.1", "libnvToolsExt.so");
    private static final MethodHandle PUSH, POP;
    private static final String LIBRARY;

    static {
        NativeLibraries.Found lib = NativeLibraries.first(LIBRARIES);
        MethodHandle push = null, pop = null;
        if (lib != null) {
            Linker linker = Linker.nativeLinker();
            push = lib.lookup().find("nvtxRangePushA")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS))).orElse(null);
            pop = lib.lookup().find("nvtxRangePop")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
        }
        boolean ok = push != null && pop != null;
        PUSH = ok ? push : null;
        POP = ok ? pop : null;
        LIBRARY = ok ? lib.name() : null;
    }

    /** An open range; closing it pops. */
    public static final class Range implements AutoCloseable {
        private Range() {}

        @Override
        public void close() {
            pop();
        }
    }

    private static final Range RANGE = new Range();

    private Nvtx() {}

    /** The library in use, or null when ranges are no-ops. */
    public static String library() {
        return LIBRARY;
    }

    public static void push(String name) {
        if (PUSH == null) return;
        try (Arena a = Arena.ofConfined()) {
            int ignoredDepth = (int) PUSH.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException("nvtxRangePushA failed", t);
        }
    }

    public static void pop() {
        if (POP == null) return;
        try {
            int ignoredDepth = (int) POP.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("nvtxRangePop failed", t);
        }
    }

    public static Range range(String name) {
        push(name);
        return RANGE;
    }
}
