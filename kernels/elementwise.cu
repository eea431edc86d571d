/*
elementwise: the memory-bound ops, fp32 unless the name says otherwise. Every kernel is one pass,
so its cost is bytes moved: read + write of each element (plus broadcast operands, read once per
use when strides are 0). Reference: ReferenceOps (map/zip, contiguous, concat, embedding,
upsampleNearest2x, avgPool2x2, convert). Launcher: ElementwiseKernel.java.

unary (op codes: 0 affine a·x+b, 1 clamp [a, b], 2 exp, 3 gelu (erf), 4 quickgelu, 5 silu)
  bytes 8·n
  v1 naive       one thread per element, grid-stride loop.
  v2 vec4        v1 with 16-byte float4 loads and stores (n a multiple of 4, aligned base).
binary (op codes: 0 add, 1 sub, 2 mul), NumPy broadcasting
  bytes 12·n (fewer when an operand is broadcast and stays in cache)
  v1 strided     each operand read through its own expanded Layout (stride 0 on broadcast axes).
  v2 same_shape  both operands contiguous with the output's shape: flat indices, float4.
copy (contiguous, concat): any view to any view, element size 1, 2, 4 or 8 bytes
  bytes 2·n·elem
  v1 strided     one thread per element, both sides through Layout.
upsample_nearest2x  bytes 4·n_in + 4·4·n_in     v1 naive: one thread per output element.
avgpool2x2          bytes 4·n_in + n_in         v1 naive: one thread per output element.
embedding           bytes 8·rows + 8·rows·dim   v1 naive: one thread per output element, ids as int64.
convert f32<->f16, f32<->bf16 (round to nearest even)   bytes 6·n   v1 naive.
add_bias            C[r, j] += bias[j], after a library GEMM   bytes 8·rows·N   v1 naive.
*/
#include "common.cuh"

__device__ inline float unary_apply(int op, float x, float a, float b) {
    switch (op) {
        case 0: return fmaf(a, x, b);
        case 1: return isnan(x) ? x : fminf(fmaxf(x, a), b);  // NaN stays NaN, like Math.min/max
        case 2: return expf(x);
        case 3: return 0.5f * x * erfcf(-x * 0.70710678118654752f);
        case 4: return x / (1.f + expf(-1.702f * x));
        default: return x / (1.f + expf(-x));
    }
}

extern "C" __global__ void unary_v1_naive(float* out, const float* x, long long n, int op, float a, float b) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = unary_apply(op, x[i], a, b);
}

extern "C" __global__ void unary_v2_vec4(float* out, const float* x, long long n, int op, float a, float b) {
    long long n4 = n / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    float4* o4 = reinterpret_cast<float4*>(out);
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n4; i += (long long)gridDim.x * blockDim.x) {
        float4 v = x4[i];
        v.x = unary_apply(op, v.x, a, b);
        v.y = unary_apply(op, v.y, a, b);
        v.z = unary_apply(op, v.z, a, b);
        v.w = unary_apply(op, v.w, a, b);
        o4[i] = v;
    }
}

__device__ inline float binary_apply(int op, float a, float b) {
    return op == 0 ? a + b : op == 1 ? a - b : a * b;
}

extern "C" __global__ void binary_v1_strided(float* out, const float* a, Layout la, const float* b, Layout lb,
                                             long long n, int op) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = binary_apply(op, a[layout_offset(la, i)], b[layout_offset(lb, i)]);
}

extern "C" __global__ void binary_v2_same_shape(float* out, const float* a, const float* b, long long n, int op) {
    long long n4 = n / 4;
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    float4* o4 = reinterpret_cast<float4*>(out);
    long long tid = blockIdx.x * (long long)blockDim.x + threadIdx.x, step = (long long)gridDim.x * blockDim.x;
    for (long long i = tid; i < n4; i += step) {
        float4 u = a4[i], v = b4[i];
        o4[i] = make_float4(binary_apply(op, u.x, v.x), binary_apply(op, u.y, v.y),
                            binary_apply(op, u.z, v.z), binary_apply(op, u.w, v.w));
    }
    for (long long i = 4 * n4 + tid; i < n; i += step) out[i] = binary_apply(op, a[i], b[i]);
}

template <typename T>
__device__ inline void copy_elements(T* dst, const Layout& ld, const T* src, const Layout& ls, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        dst[layout_offset(ld, i)] = src[layout_offset(ls, i)];
}

// Layout offsets count elements; the element size picks the integer type that moves one.
extern "C" __global__ void copy_v1_strided(void* dst, Layout ld, const void* src, Layout ls, long long n, int elemBytes) {
    switch (elemBytes) {
        case 1: copy_elements((uint8_t*)dst, ld, (const uint8_t*)src, ls, n); break;
        case 2: copy_elements((uint16_t*)dst, ld, (const uint16_t*)src, ls, n); break;
        case 4: copy_elements((uint32_t*)dst, ld, (const uint32_t*)src, ls, n); break;
        default: copy_elements((uint64_t*)dst, ld, (const uint64_t*)src, ls, n); break;
    }
}

// x (planes, H, W) -> out (planes, 2H, 2W)
extern "C" __global__ void upsample_nearest2x_v1_naive(float* out, const float* x, long long planes, int H, int W) {
    long long n = planes * 4LL * H * W;
    int W2 = 2 * W, H2 = 2 * H;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        int xo = (int)(i % W2);
        int yo = (int)((i / W2) % H2);
        long long p = i / ((long long)W2 * H2);
        out[i] = x[(p * H + yo / 2) * W + xo / 2];
    }
}

// x (planes, H, W), H and W even -> out (planes, H/2, W/2)
extern "C" __global__ void avgpool2x2_v1_naive(float* out, const float* x, long long planes, int H, int W) {
    int Ho = H / 2, Wo = W / 2;
    long long n = planes * Ho * Wo;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        int xo = (int)(i % Wo);
        int yo = (int)((i / Wo) % Ho);
        long long p = i / ((long long)Wo * Ho);
        const float* r = x + (p * H + 2 * yo) * W + 2 * xo;
        out[i] = ((r[0] + r[1]) + (r[W] + r[W + 1])) * 0.25f;
    }
}

// out (rows, dim) = table[ids[row]]; ids validated on the host.
extern "C" __global__ void embedding_v1_naive(float* out, const float* table, const long long* ids, long long rows, int dim) {
    long long n = rows * dim;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = table[ids[i / dim] * dim + i % dim];
}

extern "C" __global__ void convert_f32_f16_v1_naive(__half* out, const float* x, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __float2half_rn(x[i]);
}

extern "C" __global__ void convert_f32_bf16_v1_naive(__nv_bfloat16* out, const float* x, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __float2bfloat16_rn(x[i]);
}

extern "C" __global__ void convert_f16_f32_v1_naive(float* out, const __half* x, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __half2float(x[i]);
}

extern "C" __global__ void convert_bf16_f32_v1_naive(float* out, const __nv_bfloat16* x, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __bfloat162float(x[i]);
}

extern "C" __global__ void add_bias_v1_naive(float* C, const float* bias, long long rows, int N) {
    long long n = rows * N;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        C[i] += bias[i % N];
}
