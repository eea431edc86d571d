package unclip4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * One kernel launch: grid, block, dynamic shared memory and arguments, enqueued on the backend's
 * stream. Arguments map to kernel parameters by Java type: {@code int}, {@code long}, {@code float},
 * {@link Ptr} (a device pointer, 0 for null), {@code long[]} (a struct passed by value, e.g. a
 * {@link Layout}).
 */
public final class Launch {
    /** A device pointer argument; address 0 passes a null pointer. */
    public record Ptr(long address) {
        public static final Ptr NULL = new Ptr(0);
    }

    private final CudaContext ctx;
    private final DevicePointers.Function function;
    private final String symbol;
    private final List<String> signature;
    private int gx = 1, gy = 1, gz = 1, bx = 1, by = 1, bz = 1, shared;

    private Launch(CudaContext ctx, DevicePointers.Function function, String symbol, List<String> signature) {
        this.ctx = ctx;
        this.function = function;
        this.symbol = symbol;
        this.signature = signature;
    }

    public static Launch kernel(CudaContext ctx, String module, String symbol) {
        return new Launch(ctx, ctx.modules().function(module, symbol), symbol, ctx.modules().signature(module, symbol));
    }

    /** The grid's size in blocks; IllegalArgumentException outside CUDA's limits (see {@link #gridProblem}). */
    public Launch grid(long x, long y, long z) {
        String problem = gridProblem(x, y, z);
        if (problem != null) throw new IllegalArgumentException("kernel " + symbol + ": " + problem);
        gx = Math.toIntExact(x);
        gy = Math.toIntExact(y);
        gz = Math.toIntExact(z);
        return this;
    }

    /**
     * Why a grid of x × y × z blocks cannot be launched, or null: every dimension at least 1, x at most
     * 2^31 − 1, y and z at most 65535 (every GPU since compute 3.0). Said here with the numbers, where the
     * driver would only answer CUDA_ERROR_INVALID_VALUE.
     */
    static String gridProblem(long x, long y, long z) {
        if (x >= 1 && x <= Integer.MAX_VALUE && y >= 1 && y <= MAX_GRID_YZ && z >= 1 && z <= MAX_GRID_YZ) return null;
        return "grid " + x + " × " + y + " × " + z + " blocks is outside CUDA's limits (x ≤ 2^31 − 1, y and z ≤ " + MAX_GRID_YZ + ", each ≥ 1)";
    }

    static final int MAX_GRID_YZ = 65535;

    /** A 1-D grid covering n items with blocks of the given size, capped for grid-stride kernels. */
    public Launch cover(long n, int block) {
        return grid(Math.max(1, Math.min(Math.ceilDiv(n, block), 1L << 20)), 1, 1).block(block, 1, 1);
    }

    public Launch block(int x, int y, int z) {
        bx = x;
        by = y;
        bz = z;
        return this;
    }

    public Launch shared(int bytes) {
        shared = bytes;
        return this;
    }

    /** Enqueues the kernel with these arguments; IllegalArgumentException when they do not fit its parameters. */
    public void run(Object... args) {
        runWith(ctx.launcher(), args);
    }

    /** As {@link #run}, through the given launcher rather than the context's (the launch bench compares them). */
    public void runWith(KernelLauncher launcher, Object... args) {
        String mismatch = signature == null ? null : mismatch(signature, args);
        if (mismatch != null) throw new IllegalArgumentException("kernel " + symbol + ": " + mismatch);
        ctx.makeCurrent();
        if (launcher == KernelLauncher.FFM) {
            DriverLaunch.launch(function.handle(), gx, gy, gz, bx, by, bz, shared, ctx.streamHandle(), args);
            return;
        }
        List<Pointer> params = new ArrayList<>(args.length);
        for (Object a : args) {
            params.add(switch (a) {
                case Integer i -> Pointer.to(new int[] {i});
                case Long l -> Pointer.to(new long[] {l});
                case Float f -> Pointer.to(new float[] {f});
                case Ptr p -> Pointer.to(new long[] {p.address()});
                case long[] struct -> Pointer.to(struct);
                default -> throw new IllegalArgumentException("unsupported kernel argument " + a.getClass().getSimpleName());
            });
        }
        JCudaDriver.cuLaunchKernel(function, gx, gy, gz, bx, by, bz, shared, ctx.stream(),
                Pointer.to(params.toArray(Pointer[]::new)), null);
    }

    /**
     * Why these arguments do not fit a kernel's PTX parameter types, or null when they do: the count,
     * then each argument's size (int: 32-bit, long and Ptr: 64-bit, float: f32, long[]: a struct of
     * 8 bytes per element).
     */
    static String mismatch(List<String> signature, Object... args) {
        if (signature.size() != args.length) {
            return "takes " + signature.size() + " parameters " + signature + ", the launcher passed " + args.length;
        }
        for (int i = 0; i < args.length; i++) {
            String t = signature.get(i);
            boolean ok = switch (args[i]) {
                case Integer x -> t.equals("u32") || t.equals("s32") || t.equals("b32");
                case Long x -> t.equals("u64") || t.equals("s64") || t.equals("b64");
                case Ptr x -> t.equals("u64") || t.equals("b64");
                case Float x -> t.equals("f32");
                case long[] struct -> t.equals("b8[" + 8 * struct.length + "]");
                default -> false;
            };
            if (!ok) {
                String given = args[i] instanceof long[] l ? "long[" + l.length + "]" : args[i].getClass().getSimpleName();
                return "parameter " + i + " is ." + t + " but the launcher passed " + given;
            }
        }
        return null;
    }
}
