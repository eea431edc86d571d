// archs: 90a
/*
gemm_sm90: GEMM variants that need Hopper's arch-specific instructions (sm_90a), built only for
sm_90a (tools/build-kernels.sh reads the "archs" line above) and loaded only on compute 9.0 GPUs.
Same contract as gemm.cu: C = alpha·op(A)·op(B) + beta·C0 + bias, fp32 out, operands read through
element strides. Launcher: GemmKernel.V6_WGMMA_F16.

v6 wgmma_f16  one warpgroup (4 warps, 128 threads) per 64×64 C tile; each 64-deep K slab of A and B
              is rounded to fp16 and stored in shared memory in the canonical no-swizzle K-major
              layout (8×8 "core matrices" of 128 contiguous bytes), then four wgmma.m64n64k16
              instructions read both operands straight from shared memory through matrix
              descriptors and accumulate into 32 fp32 registers per thread. No TMA, no pipelining,
              no swizzle: the point is the instruction and its data layout, the starting point for
              the faster variants (TMA loads, multi-stage pipelines, 128B swizzle).
              Accuracy: fp16 operand rounding (~1e-3 relative), like v4.
*/
#include "gemm.cuh"

#define BM6 64
#define BN6 64
#define BK6 64

// Byte offset of element (row, k) of a [rows][BK6] tile in the no-swizzle K-major layout: core
// matrices of 8 rows × 8 halves (16 B per row, 128 B each); cores adjacent in rows are SBO = 128 B
// apart, cores adjacent in K are LBO = rows/8 · 128 B apart.
__device__ inline int core_offset(int row, int k, int rows) {
    return (k / 8) * (rows / 8) * 128 + (row / 8) * 128 + (row % 8) * 16 + (k % 8) * 2;
}

// wgmma matrix descriptor: start address, leading-dimension byte offset (between cores along K)
// and stride byte offset (between cores along M or N), each in 16-byte units; swizzle mode 0 (none).
__device__ inline unsigned long long smem_desc(const void* p, unsigned lbo, unsigned sbo) {
    unsigned addr = (unsigned)__cvta_generic_to_shared(p);
    return (unsigned long long)((addr & 0x3FFFF) >> 4) | ((unsigned long long)(lbo >> 4) << 16)
         | ((unsigned long long)(sbo >> 4) << 32);
}

// D (+)= A·B for a 64×64×16 step; scale_d = 0 overwrites D, 1 accumulates.
__device__ inline void wgmma_m64n64k16(float (&d)[32], unsigned long long da, unsigned long long db, int scale_d) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900 && defined(__CUDA_ARCH_FEAT_SM90_ALL)
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 "
        "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, %32, %33, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
          "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
          "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
          "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
        : "l"(da), "l"(db), "r"(scale_d));
#endif
}

extern "C" __global__ void __launch_bounds__(128) gemm_v6_wgmma_f16(GEMM_PARAMS) {
    __shared__ __align__(128) __half As[BM6 * BK6];
    __shared__ __align__(128) __half Bs[BN6 * BK6];
    int tid = threadIdx.x, warp = tid / WARP, lane = tid % WARP;
    int bm = blockIdx.y * BM6, bn = blockIdx.x * BN6;
    const float* a = A + blockIdx.z * batchA;
    const float* b = B + blockIdx.z * batchB;
    char* as = reinterpret_cast<char*>(As);
    char* bs = reinterpret_cast<char*>(Bs);
    float d[32];
    #pragma unroll
    for (int i = 0; i < 32; i++) d[i] = 0.f;
    for (int k0 = 0; k0 < K; k0 += BK6) {
        // consecutive threads take consecutive k: coalesced when the operand is K-contiguous
        for (int idx = tid; idx < BM6 * BK6; idx += 128) {
            int r = idx / BK6, c = idx % BK6, i = bm + r, p = k0 + c;
            float v = (i < M && p < K) ? a[i * sam + p * sak] : 0.f;
            *reinterpret_cast<__half*>(as + core_offset(r, c, BM6)) = __float2half_rn(v);
        }
        for (int idx = tid; idx < BN6 * BK6; idx += 128) {
            int r = idx / BK6, c = idx % BK6, j = bn + r, p = k0 + c;
            float v = (j < N && p < K) ? b[p * sbk + j * sbn] : 0.f;
            *reinterpret_cast<__half*>(bs + core_offset(r, c, BN6)) = __float2half_rn(v);
        }
        // make the generic-proxy stores visible to wgmma's async proxy, then to the whole warpgroup
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
        __syncthreads();
        asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
        #pragma unroll
        for (int ks = 0; ks < BK6 / 16; ks++) {
            // a 16-deep step covers two core columns: start at core column 2·ks
            unsigned long long da = smem_desc(as + 2 * ks * (BM6 / 8) * 128, (BM6 / 8) * 128, 128);
            unsigned long long db = smem_desc(bs + 2 * ks * (BN6 / 8) * 128, (BN6 / 8) * 128, 128);
            wgmma_m64n64k16(d, da, db, (k0 > 0 || ks > 0) ? 1 : 0);
        }
        asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
        asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
        __syncthreads(); // the next slab overwrites the tiles
    }
    // accumulator layout of m64nNk16: warp w owns rows 16w..16w+15; for 8-column chunk j a lane holds
    // (row lane/4, cols 8j + 2·(lane%4) + {0,1}) in d[4j], d[4j+1] and the same 8 rows lower in d[4j+2..3]
    #pragma unroll
    for (int j = 0; j < 8; j++) {
        int row = bm + warp * 16 + lane / 4, col = bn + 8 * j + 2 * (lane % 4);
        gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, row, col, d[4 * j]);
        gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, row, col + 1, d[4 * j + 1]);
        gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, row + 8, col, d[4 * j + 2]);
        gemm_store(C, C0, bias, M, N, batchC0, alpha, beta, row + 8, col + 1, d[4 * j + 3]);
    }
}
