/*
layer_norm: LayerNorm over the last axis of x (rows, D), fp32, biased variance, eps inside the
sqrt; gamma and beta may be null. Reference: ReferenceOps.layerNorm. Launcher: LayerNormKernel.java.
Bytes per call: read x twice, write once: 3·rows·D·4.

v1 naive  one thread per row, three loops over D.
v2 warp   one warp per row: lanes stride over D (coalesced), shuffle reductions for mean and the
          centred variance; rows are independent so a block holds blockDim.x/32 rows.
*/
#include "common.cuh"

extern "C" __global__ void layer_norm_v1_naive(float* out, const float* x, const float* gamma, const float* beta,
                                               long long rows, int D, float eps) {
    long long r = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float* xr = x + r * D;
    float mean = 0.f, var = 0.f;
    for (int i = 0; i < D; i++) mean += xr[i];
    mean /= D;
    for (int i = 0; i < D; i++) { float d = xr[i] - mean; var += d * d; }
    float rstd = rsqrtf(var / D + eps);
    for (int i = 0; i < D; i++) {
        float y = (xr[i] - mean) * rstd;
        out[r * D + i] = (gamma ? y * gamma[i] : y) + (beta ? beta[i] : 0.f);
    }
}

extern "C" __global__ void layer_norm_v2_warp(float* out, const float* x, const float* gamma, const float* beta,
                                              long long rows, int D, float eps) {
    int lane = threadIdx.x % WARP;
    long long r = blockIdx.x * (long long)(blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return;
    const float* xr = x + r * D;
    float sum = 0.f;
    for (int i = lane; i < D; i += WARP) sum += xr[i];
    float mean = warp_reduce_sum(sum) / D;
    float sq = 0.f;
    for (int i = lane; i < D; i += WARP) { float d = xr[i] - mean; sq += d * d; }
    float rstd = rsqrtf(warp_reduce_sum(sq) / D + eps);
    for (int i = lane; i < D; i += WARP) {
        float y = (xr[i] - mean) * rstd;
        out[r * D + i] = (gamma ? y * gamma[i] : y) + (beta ? beta[i] : 0.f);
    }
}
