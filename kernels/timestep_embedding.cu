/*
timestep_embedding: out (N, dim) = [cos(t·f_i), sin(t·f_i)] for i < half = dim/2, cos first, a zero
last column when dim is odd; f_i = exp(fl(fl(-ln 10000)·i) / half) in float32 exactly as
karlo/modules/nn.py evaluates it in PyTorch. exp, cos and sin are taken in double and rounded once,
so the result matches ReferenceOps to the last bit in all but rare rounding ties.
Reference: ReferenceOps.timestepEmbedding. Launcher: TimestepEmbeddingKernel.java.
Bytes: 4·N + 4·N·dim. Cost is launch latency; one variant.

v1 naive  one thread per output element.
*/
#include "common.cuh"

// t holds float32 timesteps (the launcher widens I32/I64 ids first)
extern "C" __global__ void timestep_embedding_v1_naive(float* out, const float* t, int N, int dim) {
    int half = dim / 2;
    long long total = (long long)N * dim;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        int n = (int)(idx / dim), c = (int)(idx % dim);
        if (c >= 2 * half) { out[idx] = 0.f; continue; }
        int i = c < half ? c : c - half;
        float negLog = (float)(-9.210340371976184);  // -ln(10000), rounded to float like torch
        float f = (float)exp((double)(__fmul_rn(negLog, (float)i) / (float)half));
        float arg = __fmul_rn(t[n], f);
        out[idx] = c < half ? (float)cos((double)arg) : (float)sin((double)arg);
    }
}
