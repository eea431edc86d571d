// Shared by kernels/gemm.cu and kernels/gemm_sm90.cu: the GEMM kernels' parameter list and their
// epilogue (alpha, beta·C0, bias, bounds), so that every variant has the same contract.
#pragma once
#include "common.cuh"

#define GEMM_PARAMS                                                                                  \
    float *C, const float *A, const float *B, const float *C0, const float *bias, int M, int N, int K, \
        long long sam, long long sak, long long sbk, long long sbn, long long batchA, long long batchB, \
        long long batchC0, float alpha, float beta

__device__ inline void gemm_store(float* C, const float* C0, const float* bias, int M, int N, long long batchC0,
                                  float alpha, float beta, int i, int j, float acc) {
    if (i >= M || j >= N) return;
    long long b = blockIdx.z;
    float y = alpha * acc;
    if (C0) y += beta * C0[b * batchC0 + (long long)i * N + j];
    if (bias) y += bias[j];
    C[(b * M + i) * (long long)N + j] = y;
}
