/*
gemm: C = alpha·op(A)·op(B) + beta·C0 + bias, fp32 out, row-major C (batch, M, N) contiguous.
A and B are read through element strides, so transposed and batch-shared operands need no copy:
A(i, p) = A[b·batchA + i·sam + p·sak], B(p, j) = B[b·batchB + p·sbk + j·sbn]; C0 and bias may be null.
Reference: ReferenceOps.matmul. Launcher: GemmKernel.java (LIBRARY there is cuBLAS).
FLOPs per call: 2·batch·M·N·K. Bytes (ideal, each operand once): 4·batch·(M·K + K·N + 2·M·N).

v1 naive      one thread per C element, K loop from global memory (SGEMM_CUDA kernel 1, with
              threadIdx.x along N so the B loads and C stores coalesce).
v2 smem       32×32 tiles of A and B staged in shared memory, 1024 threads per block, each
              thread one C element: every global value is read M/32 or N/32 times instead of M or N.
v3 regblock   2-D register blocking (SGEMM_CUDA kernel 5): a 128×128 C tile per block of 256 threads,
              BK = 8, each thread an 8×8 sub-tile in registers; A staged transposed in shared memory
              so the inner loop reads both operands as broadcasts/contiguous runs.
v4 wmma_f16   tensor cores (WMMA m16n16k16, sm_80+): operands rounded to fp16 while staged in
              shared memory, fp32 accumulate; 64×64 tile per block of 4 warps, each warp 32×32.
              Looser accuracy: fp16 operand rounding (~1e-3 relative).
v5 wmma_bf16  v4 with bf16 operands (fp32 range, 8-bit mantissa: ~4e-3 relative).
*/
#include "gemm.cuh"
#include <mma.h>


extern "C" __global__ void gemm_v1_naive(GEMM_PARAMS) {
    int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= M || j >= N) return;
    const float* a = A + blockIdx.z * batchA + i * sam;
    const float* b = B + blockIdx.z * batchB + j * sbn;
    float acc = 0.f;
    for (int p = 0; p < K; p++) acc += a[p * sak] * b[p * sbk];
    gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, i, j, acc);
}

#define T2 32
extern "C" __global__ void gemm_v2_smem(GEMM_PARAMS) {
    __shared__ float As[T2][T2], Bs[T2][T2 + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    int i = blockIdx.y * T2 + ty, j = blockIdx.x * T2 + tx;
    const float* a = A + blockIdx.z * batchA;
    const float* b = B + blockIdx.z * batchB;
    float acc = 0.f;
    for (int k0 = 0; k0 < K; k0 += T2) {
        int ka = k0 + tx, kb = k0 + ty;
        As[ty][tx] = (i < M && ka < K) ? a[i * sam + ka * sak] : 0.f;
        Bs[ty][tx] = (kb < K && j < N) ? b[kb * sbk + j * sbn] : 0.f;
        __syncthreads();
        #pragma unroll
        for (int p = 0; p < T2; p++) acc += As[ty][p] * Bs[p][tx];
        __syncthreads();
    }
    gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, i, j, acc);
}

#define BM3 128
#define BN3 128
#define BK3 8
#define TM3 8
#define TN3 8
extern "C" __global__ void __launch_bounds__(256) gemm_v3_regblock(GEMM_PARAMS) {
    __shared__ float As[BK3][BM3], Bs[BK3][BN3];
    int tid = threadIdx.x, tr = tid / (BN3 / TN3), tc = tid % (BN3 / TN3);
    int bm = blockIdx.y * BM3, bn = blockIdx.x * BN3;
    const float* a = A + blockIdx.z * batchA;
    const float* b = B + blockIdx.z * batchB;
    float acc[TM3][TN3] = {};
    float rm[TM3], rn[TN3];
    for (int k0 = 0; k0 < K; k0 += BK3) {
        for (int idx = tid; idx < BM3 * BK3; idx += 256) {
            int r = idx / BK3, c = idx % BK3, i = bm + r, p = k0 + c;
            As[c][r] = (i < M && p < K) ? a[i * sam + p * sak] : 0.f;
        }
        for (int idx = tid; idx < BK3 * BN3; idx += 256) {
            int r = idx / BN3, c = idx % BN3, p = k0 + r, j = bn + c;
            Bs[r][c] = (p < K && j < N) ? b[p * sbk + j * sbn] : 0.f;
        }
        __syncthreads();
        #pragma unroll
        for (int p = 0; p < BK3; p++) {
            #pragma unroll
            for (int m = 0; m < TM3; m++) rm[m] = As[p][tr * TM3 + m];
            #pragma unroll
            for (int n = 0; n < TN3; n++) rn[n] = Bs[p][tc * TN3 + n];
            #pragma unroll
            for (int m = 0; m < TM3; m++)
                #pragma unroll
                for (int n = 0; n < TN3; n++) acc[m][n] += rm[m] * rn[n];
        }
        __syncthreads();
    }
    #pragma unroll
    for (int m = 0; m < TM3; m++)
        #pragma unroll
        for (int n = 0; n < TN3; n++)
            gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, bm + tr * TM3 + m, bn + tc * TN3 + n, acc[m][n]);
}

// Tensor-core tile: 64×64 C per block, 4 warps in a 2×2 grid, each warp 2×2 fragments of 16×16.
#define BM4 64
#define BN4 64
#define BK4 16
#define PAD4 8
template <typename T>
__device__ inline T to_operand(float v);
template <>
__device__ inline __half to_operand<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ inline __nv_bfloat16 to_operand<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

template <typename T>
__device__ void gemm_wmma(GEMM_PARAMS) {
    using namespace nvcuda;
    __shared__ __align__(32) T As[BM4][BK4 + PAD4];
    __shared__ __align__(32) T Bs[BK4][BN4 + PAD4];
    __shared__ __align__(32) float Cs[BM4][BN4 + 4];
    int tid = threadIdx.x, warp = tid / WARP, wm = warp / 2, wn = warp % 2;
    int bm = blockIdx.y * BM4, bn = blockIdx.x * BN4;
    const float* a = A + blockIdx.z * batchA;
    const float* b = B + blockIdx.z * batchB;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
    #pragma unroll
    for (int x = 0; x < 2; x++)
        #pragma unroll
        for (int y = 0; y < 2; y++) wmma::fill_fragment(acc[x][y], 0.f);
    for (int k0 = 0; k0 < K; k0 += BK4) {
        for (int idx = tid; idx < BM4 * BK4; idx += 128) {
            int r = idx / BK4, c = idx % BK4, i = bm + r, p = k0 + c;
            As[r][c] = to_operand<T>((i < M && p < K) ? a[i * sam + p * sak] : 0.f);
        }
        for (int idx = tid; idx < BK4 * BN4; idx += 128) {
            int r = idx / BN4, c = idx % BN4, p = k0 + r, j = bn + c;
            Bs[r][c] = to_operand<T>((p < K && j < N) ? b[p * sbk + j * sbn] : 0.f);
        }
        __syncthreads();
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> fa[2];
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> fb[2];
        #pragma unroll
        for (int x = 0; x < 2; x++) wmma::load_matrix_sync(fa[x], &As[wm * 32 + x * 16][0], BK4 + PAD4);
        #pragma unroll
        for (int y = 0; y < 2; y++) wmma::load_matrix_sync(fb[y], &Bs[0][wn * 32 + y * 16], BN4 + PAD4);
        #pragma unroll
        for (int x = 0; x < 2; x++)
            #pragma unroll
            for (int y = 0; y < 2; y++) wmma::mma_sync(acc[x][y], fa[x], fb[y], acc[x][y]);
        __syncthreads();
    }
    #pragma unroll
    for (int x = 0; x < 2; x++)
        #pragma unroll
        for (int y = 0; y < 2; y++)
            wmma::store_matrix_sync(&Cs[wm * 32 + x * 16][wn * 32 + y * 16], acc[x][y], BN4 + 4, wmma::mem_row_major);
    __syncthreads();
    // the epilogue goes through shared memory so that bounds, alpha, beta and bias stay scalar code
    for (int idx = tid; idx < BM4 * BN4; idx += 128) {
        int r = idx / BN4, c = idx % BN4;
        gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, bm + r, bn + c, Cs[r][c]);
    }
}

extern "C" __global__ void __launch_bounds__(128) gemm_v4_wmma_f16(GEMM_PARAMS) {
    gemm_wmma<__half>(C, A, B, C0, bias, M, N, K, sam, sak, sbk, sbn, batchA, batchB, batchC0, alpha, beta);
}

extern "C" __global__ void __launch_bounds__(128) gemm_v5_wmma_bf16(GEMM_PARAMS) {
    gemm_wmma<__nv_bfloat16>(C, A, B, C0, bias, M, N, K, sam, sak, sbk, sbn, batchA, batchB, batchC0, alpha, beta);
}
