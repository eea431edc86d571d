package unclip4j.backend.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/** GPU-side timing with a pair of CUDA events on the backend's stream (what Nsight measures too). */
public final class CudaEvents implements AutoCloseable {
    private final CudaContext ctx;
    private final CUevent start = new CUevent(), stop = new CUevent();

    public CudaEvents(CudaContext ctx) {
        this.ctx = ctx;
        ctx.makeCurrent();
        JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT);
        JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT);
    }

    public void start() {
        ctx.makeCurrent();
        JCudaDriver.cuEventRecord(start, ctx.stream());
    }

    /** Records the stop event, waits for it, and returns the milliseconds since {@link #start()}. */
    public float stopMillis() {
        ctx.makeCurrent();
        JCudaDriver.cuEventRecord(stop, ctx.stream());
        JCudaDriver.cuEventSynchronize(stop);
        float[] ms = {0};
        JCudaDriver.cuEventElapsedTime(ms, start, stop);
        return ms[0];
    }

    @Override
    public void close() {
        JCudaDriver.cuEventDestroy(start);
        JCudaDriver.cuEventDestroy(stop);
    }
}
