// Peak probes: the best this GPU does, measured, so that `bench kernels` can say "% of peak" from a
// reading rather than a datasheet (CUDA 13 no longer reports the SM clock as an attribute).
// DRAM bandwidth is measured with a device-to-device copy (see DevicePeak.java); this file holds the
// arithmetic probe.
#include "common.cuh"

// v1_fma: FP32 FMA throughput. Each thread runs 8 independent FMA chains (enough independent work to
// hide the FMA latency at full occupancy) with no memory traffic; the sum is stored only under a
// condition the host makes false, so the compiler must keep every FMA. FLOPs = 2 · 8 · iters per thread.
extern "C" __global__ void __launch_bounds__(256) peak_v1_fma(float* out, int iters, float seed) {
    float a0 = seed + threadIdx.x * 1e-7f, a1 = a0 + 1e-3f, a2 = a0 + 2e-3f, a3 = a0 + 3e-3f;
    float a4 = a0 + 4e-3f, a5 = a0 + 5e-3f, a6 = a0 + 6e-3f, a7 = a0 + 7e-3f;
    const float m = 0.999999f, c = 1e-6f;
#pragma unroll 16
    for (int i = 0; i < iters; i++) {
        a0 = fmaf(a0, m, c); a1 = fmaf(a1, m, c); a2 = fmaf(a2, m, c); a3 = fmaf(a3, m, c);
        a4 = fmaf(a4, m, c); a5 = fmaf(a5, m, c); a6 = fmaf(a6, m, c); a7 = fmaf(a7, m, c);
    }
    float s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    if (s == -1.0f) out[blockIdx.x] = s;
}

// launch_v1_empty: does nothing. Its cost is the launch itself: the host's time to issue it and the
// device's minimum time per kernel (see `unclip4j bench kernels --op launch`). The arguments mirror
// a typical elementwise kernel's (pointer, count, scalar) so that argument marshalling is counted.
extern "C" __global__ void launch_v1_empty(float* out, int n, float a) {
    if (n < 0) out[threadIdx.x] = a;
}
