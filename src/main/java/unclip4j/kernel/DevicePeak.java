package unclip4j.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import unclip4j.backend.cuda.CudaContext;
import unclip4j.backend.cuda.CudaEvents;
import unclip4j.backend.cuda.CudaStorage;
import unclip4j.backend.cuda.Launch;

/**
 * The device's measured peaks, the denominators of "% of peak" in the kernel workshop: FP32 FMA
 * throughput from kernels/peak.cu ({@code peak_v1_fma}, every SM full of independent FMA chains) and
 * DRAM bandwidth from a 1 GiB device-to-device copy (bytes read plus bytes written). Each is the best
 * of several timed runs after a warm-up, measured once per context.
 */
public record DevicePeak(double fp32Gflops, double dramGBs) {
    private static final int FMA_ITERS = 1 << 16, COPY_RUNS = 5;
    private static final long COPY_BYTES = 1L << 30;
    private static final Map<CudaContext, DevicePeak> MEASURED = new ConcurrentHashMap<>();

    public static DevicePeak of(CudaContext ctx) {
        return MEASURED.computeIfAbsent(ctx, DevicePeak::measure);
    }

    private static DevicePeak measure(CudaContext ctx) {
        int blocks = ctx.device().multiprocessors() * 8, threads = 256;
        CudaStorage sink = ctx.allocate(4L * blocks);
        double bestFma = Double.MAX_VALUE, bestCopy = Double.MAX_VALUE;
        try (CudaEvents ev = new CudaEvents(ctx)) {
            Launch fma = Launch.kernel(ctx, "peak", "peak_v1_fma").grid(blocks, 1, 1).block(threads, 1, 1);
            for (int i = 0; i < 4; i++) {
                ev.start();
                fma.run(new Launch.Ptr(sink.address()), FMA_ITERS, 1f);
                double ms = ev.stopMillis();
                if (i > 0) bestFma = Math.min(bestFma, ms);
            }
            CudaStorage src = ctx.allocate(COPY_BYTES), dst = ctx.allocate(COPY_BYTES);
            ctx.zero(src.address(), COPY_BYTES);
            for (int i = 0; i <= COPY_RUNS; i++) {
                ev.start();
                ctx.copyDeviceToDevice(src.address(), dst.address(), COPY_BYTES);
                double ms = ev.stopMillis();
                if (i > 0) bestCopy = Math.min(bestCopy, ms);
            }
        }
        double flops = 2.0 * 8 * FMA_ITERS * (double) blocks * threads;
        return new DevicePeak(flops / (bestFma * 1e-3) / 1e9, 2.0 * COPY_BYTES / (bestCopy * 1e-3) / 1e9);
    }
}
