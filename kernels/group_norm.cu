/*
group_norm: GroupNorm over x (N, C, S) with G groups, fp32, torch.nn.GroupNorm semantics (biased
variance, eps inside the sqrt), with guided-diffusion's fused extras: optional FiLM
y·(1 + scale[n,c]) + shift[n,c] and optional SiLU. gamma, beta, scale, shift may be null.
Reference: ReferenceOps.groupNorm. Launcher: GroupNormKernel.java.
Bytes per call: read x twice (mean, variance) and once more to write: 3·N·C·S·4 (+ 8·N·C for FiLM).

v1 naive   one thread per (n, g) loops over its C/G·S values three times. The CPU loop on the GPU.
v2 block   one block per (n, g); mean, then variance of (x - mean), each a warp-shuffle block
           reduction; the same block normalises and writes, FiLM and SiLU fused in the store.
v3 split   v2 leaves SMs idle when there are few groups (SR at 256², batch 1: 32 blocks for 132 SMs,
           each reading 2.6 MB three times): each group is split over P blocks. A first kernel
           (group_norm_v3_split_stats) gives each chunk's count, mean and centred sum of squares; the
           second merges a group's P partials (Chan et al.'s pairwise update, in double) and
           normalises its chunk. Two launches, so the launcher keeps v2 where P would be 1 (small
           groups or many of them). Chunk indices are 32-bit (groups below 2^31 elements, else v2).
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

// v3: chunk p of group (n, g) is elements [p·chunk, min((p+1)·chunk, size)) of the group's cg·S values
__device__ inline void v3_chunk(int p, int P, long long size, int& from, int& to) {
    int chunk = (int)((size + P - 1) / P);
    from = min((long long)p * chunk, size);
    to = (int)min((long long)from + chunk, size);
}

// partial[(ng·P + p)·2 + {0, 1}] = mean, Σ(x - mean)² of chunk p of group ng (its count follows from v3_chunk); grid (P, N·G)
extern "C" __global__ void group_norm_v3_split_stats(float* partial, const float* x, int N, int C, long long S, int G, int P) {
    __shared__ float scratch[32];
    int p = blockIdx.x, ng = blockIdx.y, n = ng / G, g = ng % G, cg = C / G;
    long long size = cg * S;
    const float* xs = x + ((long long)n * C + (long long)g * cg) * S;
    int from, to;
    v3_chunk(p, P, size, from, to);
    float sum = 0.f;
    for (int i = from + threadIdx.x; i < to; i += blockDim.x) sum += xs[i];
    int count = to - from;
    float mean = count > 0 ? block_reduce_sum(sum, scratch) / count : 0.f;
    float sq = 0.f;
    for (int i = from + threadIdx.x; i < to; i += blockDim.x) { float d = xs[i] - mean; sq += d * d; }
    sq = count > 0 ? block_reduce_sum(sq, scratch) : 0.f;
    if (threadIdx.x == 0) {
        float* dst = partial + ((long long)ng * P + p) * 2;
        dst[0] = mean;
        dst[1] = sq;
    }
}

// grid (P, N·G): merge the group's P partials, then normalise chunk p (FiLM and SiLU as in v2)
extern "C" __global__ void group_norm_v3_split(float* out, const float* x, const float* partial, const float* gamma,
                                               const float* beta, const float* scale, const float* shift, int N, int C,
                                               long long S, int G, int P, float eps, int silu) {
    __shared__ float stats[2];
    int p = blockIdx.x, ng = blockIdx.y, n = ng / G, g = ng % G, cg = C / G;
    long long size = cg * S, start = ((long long)n * C + (long long)g * cg) * S;
    if (threadIdx.x == 0) {
        double count = 0, mean = 0, m2 = 0;  // Chan et al.: merge (count, mean, M2) pairwise, in double
        for (int q = 0; q < P; q++) {
            int qFrom, qTo;
            v3_chunk(q, P, size, qFrom, qTo);
            double nb = qTo - qFrom;
            if (nb == 0) continue;
            const float* part = partial + ((long long)ng * P + q) * 2;
            double delta = part[0] - mean, total = count + nb;
            mean += delta * nb / total;
            m2 += part[1] + delta * delta * count * nb / total;
            count = total;
        }
        stats[0] = (float)mean;
        stats[1] = rsqrtf((float)(m2 / size) + eps);
    }
    __syncthreads();
    float mean = stats[0], rstd = stats[1];
    int from, to;
    v3_chunk(p, P, size, from, to);
    int s32 = (int)S;  // size < 2^31, so S does too
    for (int i = from + threadIdx.x; i < to; i += blockDim.x) {
        int c = g * cg + i / s32;
        out[start + i] = group_norm_out(x[start + i], mean, rstd, n, c, C, gamma, beta, scale, shift, silu);
    }
}

