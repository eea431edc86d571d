/*
group_norm: GroupNorm over x (N, C, S) with G groups, fp32, torch.nn.GroupNorm semantics (biased
variance, eps inside the sqrt), with guided-diffusion's fused extras: optional FiLM
y·(1 + scale[n,c]) + shift[n,c] and optional SiLU. gamma, beta, scale, shift may be null.
Reference: ReferenceOps.groupNorm. Launcher: GroupNormKernel.java.
Bytes per call: read x twice (mean, variance) and once more to write: 3·N·C·S·4 (+ 8·N·C for FiLM).

v1 naive   one thread per (n, g) loops over its C/G·S values three times. The CPU loop on the GPU.
v2 block   one block per (n, g); mean, then variance of (x - mean), each a warp-shuffle block
           reduction; the same block normalises and writes, FiLM and SiLU fused in the store.
*/
#include "common.cuh"

__device__ inline float group_norm_out(float v, float mean, float rstd, int n, int c, int C,
                                       const float* gamma, const float* beta, const float* scale,
                                       const float* shift, int silu) {
    float y = (v - mean) * rstd;
    if (gamma) y *= gamma[c];
    if (beta) y += beta[c];
    if (scale) y = y * (1.f + scale[n * C + c]) + shift[n * C + c];
    return silu ? y * sigmoidf_(y) : y;
}

extern "C" __global__ void group_norm_v1_naive(float* out, const float* x, const float* gamma, const float* beta,
                                               const float* scale, const float* shift, int N, int C, long long S,
                                               int G, float eps, int silu) {
    int ng = blockIdx.x * blockDim.x + threadIdx.x;
    if (ng >= N * G) return;
    int n = ng / G, g = ng % G, cg = C / G;
    long long size = cg * S, start = ((long long)n * C + (long long)g * cg) * S;
    float mean = 0.f, var = 0.f;
    for (long long i = 0; i < size; i++) mean += x[start + i];
    mean /= size;
    for (long long i = 0; i < size; i++) { float d = x[start + i] - mean; var += d * d; }
    float rstd = rsqrtf(var / size + eps);
    for (long long i = 0; i < size; i++) {
        int c = g * cg + (int)(i / S);
        out[start + i] = group_norm_out(x[start + i], mean, rstd, n, c, C, gamma, beta, scale, shift, silu);
    }
}

extern "C" __global__ void group_norm_v2_block(float* out, const float* x, const float* gamma, const float* beta,
                                               const float* scale, const float* shift, int N, int C, long long S,
                                               int G, float eps, int silu) {
    __shared__ float scratch[32];
    int n = blockIdx.x / G, g = blockIdx.x % G, cg = C / G;
    long long size = cg * S, start = ((long long)n * C + (long long)g * cg) * S;
    const float* xs = x + start;
    float sum = 0.f;
    for (long long i = threadIdx.x; i < size; i += blockDim.x) sum += xs[i];
    float mean = block_reduce_sum(sum, scratch) / size;
    // centred second pass: no cancellation when |mean| >> std (E[x²] - mean² would lose digits)
    float sq = 0.f;
    for (long long i = threadIdx.x; i < size; i += blockDim.x) { float d = xs[i] - mean; sq += d * d; }
    float rstd = rsqrtf(block_reduce_sum(sq, scratch) / size + eps);
    for (long long i = threadIdx.x; i < size; i += blockDim.x) {
        int c = g * cg + (int)(i / S);
        out[start + i] = group_norm_out(xs[i], mean, rstd, n, c, C, gamma, beta, scale, shift, silu);
    }
}
