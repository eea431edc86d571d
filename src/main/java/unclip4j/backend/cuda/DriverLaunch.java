package unclip4j.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import jcuda.driver.CUresult;

/**
 * cuLaunchKernel called through FFM ({@link KernelLauncher#FFM}). cuLaunchKernel takes
 * {@code void** kernelParams}: one pointer per kernel parameter to its value. The values and the
 * pointer array are written into one native buffer per thread, reused: the driver copies the
 * parameters before cuLaunchKernel returns.
 */
@SuppressWarnings("restricted") // a downcall into libcuda, found by the same probe that allows JCuda to load
final class DriverLaunch {
    static final int MAX_ARGS = 64, VALUE_BYTES = 8 * 1024;

    /** The driver's entry point, bound on first use (so that packing is testable without a driver). */
    private static final class Driver {
        static final MethodHandle LAUNCH = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup(Cuda.DRIVER_LIBRARY, Arena.global()).find("cuLaunchKernel").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_LONG, ADDRESS, ADDRESS));
    }

    /** Per thread: the pointer array, then 8-byte aligned values. */
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(DriverLaunch::newBuffer);

    private DriverLaunch() {}

    static MemorySegment newBuffer() {
        return Arena.global().allocate(8L * MAX_ARGS + VALUE_BYTES, 8);
    }

    static void launch(long function, int gx, int gy, int gz, int bx, int by, int bz, int shared, long stream, Object[] args) {
        MemorySegment buf = BUFFER.get();
        pack(buf, args);
        int result;
        try {
            result = (int) Driver.LAUNCH.invokeExact(function, gx, gy, gz, bx, by, bz, shared, stream, buf, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("cuLaunchKernel downcall failed", t);
        }
        if (result != 0) throw new jcuda.CudaException(CUresult.stringFor(result));
    }

    /** Writes kernelParams into buf: entry i of the pointer array points at argument i's value. */
    static void pack(MemorySegment buf, Object[] args) {
        if (args.length > MAX_ARGS) throw new IllegalArgumentException("more than " + MAX_ARGS + " kernel arguments");
        long at = 8L * MAX_ARGS;
        for (int i = 0; i < args.length; i++) {
            MemorySegment value = buf.asSlice(at);
            switch (args[i]) {
                case Integer v -> { value.set(JAVA_INT, 0, v); at += 8; }
                case Long v -> { value.set(JAVA_LONG, 0, v); at += 8; }
                case Float v -> { value.set(JAVA_FLOAT, 0, v); at += 8; }
                case Launch.Ptr p -> { value.set(JAVA_LONG, 0, p.address()); at += 8; }
                case long[] struct -> {
                    if (at + 8L * struct.length > buf.byteSize()) throw new IllegalArgumentException("kernel arguments exceed " + VALUE_BYTES + " bytes");
                    MemorySegment.copy(struct, 0, value, JAVA_LONG, 0, struct.length);
                    at += 8L * struct.length;
                }
                default -> throw new IllegalArgumentException("unsupported kernel argument " + args[i].getClass().getSimpleName());
            }
            buf.setAtIndex(ADDRESS, i, value);
        }
    }
}
