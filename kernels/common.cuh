// Shared helpers for every kernels/*.cu: sizes, warp and block reductions, the strided layout that
// Java passes by value for views, and dtype loads. Header-only, device code only.
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <stdint.h>

#define WARP 32
// Strided views up to this rank travel to kernels by value (Java flattens Layout.java to 17 longs).
#define MAX_RANK 8

__host__ __device__ inline int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Shape and element strides of a view, innermost axis last; rank is the number of used entries.
struct Layout {
    long long shape[MAX_RANK];
    long long stride[MAX_RANK];
    long long rank;
};

// Element offset in storage of the i-th element (row-major order) of a view.
__device__ inline long long layout_offset(const Layout& l, long long i) {
    long long off = 0;
    for (int d = (int)l.rank - 1; d >= 0; d--) {
        long long s = l.shape[d];
        off += (i % s) * l.stride[d];
        i /= s;
    }
    return off;
}

__device__ inline float warp_reduce_sum(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ inline float warp_reduce_max(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the whole block, returned to every thread. scratch holds blockDim.x/32 floats; the
// trailing barrier lets callers reuse scratch right away.
__device__ inline float block_reduce_sum(float v, float* scratch) {
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = ceil_div(blockDim.x, WARP);
    v = warp_reduce_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float total = 0.f;
    for (int w = 0; w < warps; w++) total += scratch[w];
    __syncthreads();
    return total;
}

__device__ inline float block_reduce_max(float v, float* scratch) {
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = ceil_div(blockDim.x, WARP);
    v = warp_reduce_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float m = -INFINITY;
    for (int w = 0; w < warps; w++) m = fmaxf(m, scratch[w]);
    __syncthreads();
    return m;
}

__device__ inline float sigmoidf_(float x) { return 1.f / (1.f + expf(-x)); }
