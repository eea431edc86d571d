package unclip4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
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
    private final CUfunction function;
    private int gx = 1, gy = 1, gz = 1, bx = 1, by = 1, bz = 1, shared;

    private Launch(CudaContext ctx, CUfunction function) {
        this.ctx = ctx;
        this.function = function;
    }

    public static Launch kernel(CudaContext ctx, String module, String symbol) {
        return new Launch(ctx, ctx.modules().function(module, symbol));
    }

    public Launch grid(long x, long y, long z) {
        gx = Math.toIntExact(x);
        gy = Math.toIntExact(y);
        gz = Math.toIntExact(z);
        return this;
    }

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

    /** Enqueues the kernel with these arguments. */
    public void run(Object... args) {
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
        ctx.makeCurrent();
        JCudaDriver.cuLaunchKernel(function, gx, gy, gz, bx, by, bz, shared, ctx.stream(),
                Pointer.to(params.toArray(Pointer[]::new)), null);
    }
}
