/*
softmax: softmax over the last axis of x (rows, D), fp32, max-subtracted; an additive mask is
added beforehand by the launcher (one binary add). A fully masked row (all -inf) has no softmax:
its output is NaN and *fullyMasked is set, so that the launcher can throw as ReferenceOps.softmax
does. Reference: ReferenceOps.softmax. Launcher: SoftmaxKernel.java.
Bytes per call: v1/v2 read x three times, write once: 4·rows·D·4; v3 reads twice: 3·rows·D·4.

v1 naive    one thread per row: max, sum of exp, normalise.
v2 block    one block per row, block reductions for max and sum; coalesced loads.
v3 online   one warp per row, max and sum in one pass (Milakov & Gimelshein's online softmax:
            sum is rescaled by exp(old_max - new_max) when the max grows), then the write pass.
*/
#include "common.cuh"

extern "C" __global__ void softmax_v1_naive(float* out, const float* x, long long rows, int D, int* fullyMasked) {
    long long r = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float* xr = x + r * D;
    float m = -INFINITY, s = 0.f;
    for (int i = 0; i < D; i++) m = fmaxf(m, xr[i]);
    if (m == -INFINITY) *fullyMasked = 1;
    for (int i = 0; i < D; i++) s += expf(xr[i] - m);
    for (int i = 0; i < D; i++) out[r * D + i] = expf(xr[i] - m) / s;
}

extern "C" __global__ void softmax_v2_block(float* out, const float* x, long long rows, int D, int* fullyMasked) {
    __shared__ float scratch[32];
    const float* xr = x + blockIdx.x * (long long)D;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < D; i += blockDim.x) m = fmaxf(m, xr[i]);
    m = block_reduce_max(m, scratch);
    if (m == -INFINITY && threadIdx.x == 0) *fullyMasked = 1;
    float s = 0.f;
    for (int i = threadIdx.x; i < D; i += blockDim.x) s += expf(xr[i] - m);
    float inv = 1.f / block_reduce_sum(s, scratch);
    for (int i = threadIdx.x; i < D; i += blockDim.x) out[blockIdx.x * (long long)D + i] = expf(xr[i] - m) * inv;
}

extern "C" __global__ void softmax_v3_online(float* out, const float* x, long long rows, int D, int* fullyMasked) {
    int lane = threadIdx.x % WARP;
    long long r = blockIdx.x * (long long)(blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return;
    const float* xr = x + r * D;
    float m = -INFINITY, s = 0.f;
    for (int i = lane; i < D; i += WARP) {
        float v = xr[i];
        if (v > m) { s = s * expf(m - v) + 1.f; m = v; }
        else if (m != -INFINITY) s += expf(v - m);  // v = m = -inf adds 0, not exp(NaN)
    }
    // merge the lanes' (max, sum) pairs
    for (int o = WARP / 2; o > 0; o >>= 1) {
        float mo = __shfl_xor_sync(0xffffffffu, m, o), so = __shfl_xor_sync(0xffffffffu, s, o);
        float mn = fmaxf(m, mo);
        s = (mn == -INFINITY) ? 0.f : s * expf(m - mn) + so * expf(mo - mn);
        m = mn;
    }
    if (m == -INFINITY && lane == 0) *fullyMasked = 1;
    float inv = 1.f / s;
    for (int i = lane; i < D; i += WARP) out[r * D + i] = expf(xr[i] - m) * inv;
}
