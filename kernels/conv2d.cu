/*
conv2d: y[n,o,i,j] = bias[o] + Σ_{c,u,v} w[o,c,u,v]·x[n,c,i·s+u−p,j·s+v−p], zero padding, square
kernel k, fp32, x (N, C, H, W) and w (O, C, k, k) contiguous, bias may be null.
Reference: ReferenceOps.conv2d. Launcher: Conv2dKernel.java (LIBRARY there is cuDNN).
As a GEMM: M = O, N = N·Ho·Wo (output pixels), K = C·k·k. FLOPs: 2·O·N·Ho·Wo·C·k².
Bytes (ideal): 4·(N·C·H·W + O·C·k² + N·O·Ho·Wo).

v1 naive          one thread per output element, the reference's loops (direct convolution).
v2 implicit_gemm  the GEMM view without materialising im2col: a 64 (out channels) × 64 (pixels)
                  tile per block of 256 threads, each thread a 4×4 sub-tile in registers; BK = 16
                  rows of the weight matrix and 16 gathered im2col rows per step in shared memory.
                  Padding taps load as zeros, so no branch in the inner product.
*/
#include "common.cuh"

extern "C" __global__ void conv2d_v1_naive(float* out, const float* x, const float* w, const float* bias, int N, int C,
                                           int H, int W, int O, int k, int stride, int pad, int Ho, int Wo) {
    long long total = (long long)N * O * Ho * Wo;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        int j = (int)(idx % Wo), i = (int)((idx / Wo) % Ho), o = (int)((idx / ((long long)Wo * Ho)) % O);
        int n = (int)(idx / ((long long)Wo * Ho * O));
        float acc = bias ? bias[o] : 0.f;
        for (int c = 0; c < C; c++)
            for (int u = 0; u < k; u++) {
                int y = i * stride + u - pad;
                if (y < 0 || y >= H) continue;
                for (int v = 0; v < k; v++) {
                    int xx = j * stride + v - pad;
                    if (xx < 0 || xx >= W) continue;
                    acc += w[((o * C + c) * k + u) * k + v] * x[(((long long)n * C + c) * H + y) * W + xx];
                }
            }
        out[idx] = acc;
    }
}

#define CBM 64
#define CBN 64
#define CBK 16
#define CT 4
extern "C" __global__ void __launch_bounds__(256)
conv2d_v2_implicit_gemm(float* out, const float* x, const float* w, const float* bias, int N, int C, int H, int W,
                        int O, int k, int stride, int pad, int Ho, int Wo) {
    __shared__ float Ws[CBK][CBM], Xs[CBK][CBN];
    int tid = threadIdx.x, tr = tid / (CBN / CT), tc = tid % (CBN / CT);
    int om = blockIdx.y * CBM;
    long long pn = blockIdx.x * (long long)CBN, pixels = (long long)N * Ho * Wo;
    int Kdim = C * k * k, kk = k * k;
    float acc[CT][CT] = {};
    for (int k0 = 0; k0 < Kdim; k0 += CBK) {
        for (int idx = tid; idx < CBM * CBK; idx += 256) {
            int r = idx / CBK, c = idx % CBK, o = om + r, p = k0 + c;
            Ws[c][r] = (o < O && p < Kdim) ? w[(long long)o * Kdim + p] : 0.f;
        }
        for (int idx = tid; idx < CBK * CBN; idx += 256) {
            int r = idx / CBN, c = idx % CBN, p = k0 + r;
            long long pix = pn + c;
            float val = 0.f;
            if (p < Kdim && pix < pixels) {
                int ch = p / kk, u = (p % kk) / k, v = p % k;
                int j = (int)(pix % Wo), i = (int)((pix / Wo) % Ho), n = (int)(pix / ((long long)Wo * Ho));
                int y = i * stride + u - pad, xx = j * stride + v - pad;
                if (y >= 0 && y < H && xx >= 0 && xx < W) val = x[(((long long)n * C + ch) * H + y) * W + xx];
            }
            Xs[r][c] = val;
        }
        __syncthreads();
        #pragma unroll
        for (int p = 0; p < CBK; p++) {
            float a[CT], b[CT];
            #pragma unroll
            for (int t = 0; t < CT; t++) a[t] = Ws[p][tr * CT + t];
            #pragma unroll
            for (int t = 0; t < CT; t++) b[t] = Xs[p][tc * CT + t];
            #pragma unroll
            for (int m = 0; m < CT; m++)
                #pragma unroll
                for (int n = 0; n < CT; n++) acc[m][n] += a[m] * b[n];
        }
        __syncthreads();
    }
    #pragma unroll
    for (int m = 0; m < CT; m++) {
        int o = om + tr * CT + m;
        if (o >= O) continue;
        #pragma unroll
        for (int n = 0; n < CT; n++) {
            long long pix = pn + tc * CT + n;
            if (pix >= pixels) continue;
            int j = (int)(pix % Wo), i = (int)((pix / Wo) % Ho), img = (int)(pix / ((long long)Wo * Ho));
            out[(((long long)img * O + o) * Ho + i) * Wo + j] = acc[m][n] + (bias ? bias[o] : 0.f);
        }
    }
}
