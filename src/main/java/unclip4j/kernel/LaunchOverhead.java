package unclip4j.kernel;

import java.io.PrintStream;
import unclip4j.backend.Backend;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.CudaContext;
import unclip4j.backend.cuda.CudaEvents;
import unclip4j.backend.cuda.CudaStorage;
import unclip4j.backend.cuda.KernelLauncher;
import unclip4j.backend.cuda.Launch;
import unclip4j.tensor.Tensor;

/**
 * {@code unclip4j bench kernels --op launch}: what issuing work costs, apart from the work. A GPU
 * pipeline of small ops is bound by this, not by the kernels: the decoder runs about 600 ops per
 * evaluation. Measured: an empty kernel through each {@link KernelLauncher} (host time per launch,
 * and device time per launch when launched back to back), then whole backend ops on tiny tensors
 * (host time per op with the context's launcher: shapes, allocation, argument checks, launch).
 */
public final class LaunchOverhead {
    private static final int LAUNCHES = 20_000, OPS = 5_000, ROUNDS = 3;

    private LaunchOverhead() {}

    public static void run(CudaBackend gpu, PrintStream out) {
        CudaContext ctx = gpu.context();
        out.printf("%nlaunch overhead on %s (best of %d rounds; this context launches with %s)%n", ctx.device().name(), ROUNDS, ctx.launcher().id());
        out.printf("%-34s %14s %16s%n", "what", "host µs/call", "device µs/call");
        CudaStorage sink = ctx.allocate(4096);
        for (KernelLauncher l : KernelLauncher.values()) {
            Launch empty = Launch.kernel(ctx, "peak", "launch_v1_empty").grid(1, 1, 1).block(32, 1, 1);
            Launch.Ptr p = new Launch.Ptr(sink.address());
            double[] t = best(ctx, () -> {
                for (int i = 0; i < LAUNCHES; i++) empty.runWith(l, p, i, 1f);
            }, LAUNCHES);
            out.printf("%-34s %14.2f %16.2f%n", "empty kernel, " + l.id(), t[0], t[1]);
        }
        Backend b = gpu; // whole ops, through the Backend interface the pipeline uses
        Tensor x = b.upload(Tensor.of(new float[1024], 1024)), y = b.upload(Tensor.of(new float[1024], 1024));
        double[] add = best(ctx, () -> {
            for (int i = 0; i < OPS; i++) b.add(x, y);
        }, OPS);
        out.printf("%-34s %14.2f %16.2f%n", "backend add [1024] + [1024]", add[0], add[1]);
        Tensor a = b.upload(Tensor.of(new float[2 * 64], 2, 64)), w = b.upload(Tensor.of(new float[64 * 64], 64, 64));
        double[] lin = best(ctx, () -> {
            for (int i = 0; i < OPS; i++) b.linear(a, w, null);
        }, OPS);
        out.printf("%-34s %14.2f %16.2f%n", "backend linear [2,64] x [64,64]", lin[0], lin[1]);
    }

    /** Host µs per call (the loop's wall time) and device µs per call (events around the loop, after it drains). */
    private static double[] best(CudaContext ctx, Runnable loop, int calls) {
        double host = Double.MAX_VALUE, device = Double.MAX_VALUE;
        try (CudaEvents ev = new CudaEvents(ctx)) {
            for (int r = 0; r < ROUNDS; r++) {
                ctx.synchronize();
                ev.start();
                long t0 = System.nanoTime();
                loop.run();
                long t1 = System.nanoTime();
                double ms = ev.stopMillis();
                host = Math.min(host, (t1 - t0) / 1e3 / calls);
                device = Math.min(device, ms * 1e3 / calls);
            }
        }
        return new double[] {host, device};
    }
}
