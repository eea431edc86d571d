/*
attention: O = softmax(scale·Q·Kᵀ + M)·V per (batch b, head h), fp32. q (B, H, Tq, D), k (B, H, Tk, D),
v (B, H, Tk, Dv), all contiguous; out (B, H, Tq, Dv). M combines an optional additive key mask
(B, Tk) of 0 / -inf (text padding) and the causal rule "key j hidden from query i when
j > i + (Tk - Tq)". In the U-Net the text context's keys come first and the spatial keys after
them (guided-diffusion's QKVAttention with encoder_kv), so a padding mask covers the first Tk - HW
keys only; the kernel does not care, the mask is per key. A query that sees no key gets NaN and sets
*noKey (when not null) so that the launcher can throw as ReferenceOps.attention does.
Reference: ReferenceOps.attention. Launcher: AttentionKernel.java.
FLOPs: 2·B·H·Tq·Tk·(D + Dv) (+ causal saves up to half). Bytes (flash, ideal):
4·B·H·(Tq·D + Tk·D·ceil(Tq/16) + Tk·Dv·ceil(Tq/16) + Tq·Dv): K and V are re-read once per query tile.

v1 naive   one thread per query row: pass 1 finds the row max and the exp-sum (online), pass 2
           accumulates p·V straight into the output row in global memory. No shared memory.
v2 flash   FlashAttention-style: one block of 4 warps per 16-query tile; 32-key tiles of K and V
           staged in shared memory; in a warp, lane j scores key j of the tile for one query, warp
           shuffles give the tile max and sum, and the online softmax (running max m, sum l,
           output rescaled by exp(m_old - m_new)) keeps the Tq×Tk score matrix off memory.
           Each lane owns output columns lane, lane+32, ... (Dv <= 128, D <= 128).
*/
#include "common.cuh"

#define ATT_MAXD 128
#define ATT_ROWS 4   // query rows per warp in v2
#define ATT_WARPS 4
#define ATT_BR (ATT_ROWS * ATT_WARPS)
#define ATT_BC WARP

__device__ inline bool att_visible(int i, int j, int Tq, int Tk, int causal) {
    return !causal || j <= i + (Tk - Tq);
}

extern "C" __global__ void attention_v1_naive(float* out, const float* q, const float* k, const float* v,
                                              const float* keyMask, int B, int H, int Tq, int Tk, int D, int Dv,
                                              int causal, float scale, int* noKey) {
    long long row = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (row >= (long long)B * H * Tq) return;
    int i = (int)(row % Tq);
    long long bh = row / Tq;
    int b = (int)(bh / H);
    const float* qr = q + row * D;
    const float* kb = k + bh * Tk * D;
    const float* vb = v + bh * Tk * Dv;
    float* o = out + row * Dv;
    float m = -INFINITY, l = 0.f;
    for (int j = 0; j < Tk; j++) {
        if (!att_visible(i, j, Tq, Tk, causal)) continue;
        float s = 0.f;
        for (int e = 0; e < D; e++) s += qr[e] * kb[j * D + e];
        s = s * scale + (keyMask ? keyMask[b * Tk + j] : 0.f);
        if (s == -INFINITY) continue;
        float mn = fmaxf(m, s);
        l = l * expf(m - mn) + expf(s - mn);
        m = mn;
    }
    for (int e = 0; e < Dv; e++) o[e] = 0.f;
    for (int j = 0; j < Tk; j++) {
        if (!att_visible(i, j, Tq, Tk, causal)) continue;
        float s = 0.f;
        for (int e = 0; e < D; e++) s += qr[e] * kb[j * D + e];
        s = s * scale + (keyMask ? keyMask[b * Tk + j] : 0.f);
        float p = expf(s - m) / l;
        for (int e = 0; e < Dv; e++) o[e] += p * vb[j * Dv + e];
    }
    if (l == 0.f) {
        for (int e = 0; e < Dv; e++) o[e] = NAN;
        if (noKey) *noKey = 1;
    }
}

// dynamic shared memory: Qs[ATT_BR][D], Ks[ATT_BC][D + 1] (padded: lanes read different rows), Vs[ATT_BC][Dv]
extern "C" __global__ void __launch_bounds__(ATT_WARPS * WARP)
attention_v2_flash(float* out, const float* q, const float* k, const float* v, const float* keyMask, int B, int H,
                   int Tq, int Tk, int D, int Dv, int causal, float scale, int* noKey) {
    extern __shared__ float smem[];
    float* Qs = smem;
    float* Ks = Qs + ATT_BR * D;
    float* Vs = Ks + ATT_BC * (D + 1);
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP;
    long long bh = blockIdx.y;
    int b = (int)(bh / H), i0 = blockIdx.x * ATT_BR;
    const float* qb = q + bh * Tq * D;
    const float* kb = k + bh * Tk * D;
    const float* vb = v + bh * Tk * Dv;

    for (int idx = threadIdx.x; idx < ATT_BR * D; idx += blockDim.x) {
        int r = idx / D, i = i0 + r;
        Qs[idx] = i < Tq ? qb[(long long)i * D + idx % D] * scale : 0.f;
    }
    float m[ATT_ROWS], l[ATT_ROWS], o[ATT_ROWS][ATT_MAXD / WARP];
    #pragma unroll
    for (int r = 0; r < ATT_ROWS; r++) {
        m[r] = -INFINITY;
        l[r] = 0.f;
        #pragma unroll
        for (int c = 0; c < ATT_MAXD / WARP; c++) o[r][c] = 0.f;
    }
    // with a causal mask, keys beyond the last query's diagonal are never visible to this tile
    int jEnd = causal ? min(Tk, min(i0 + ATT_BR, Tq) + (Tk - Tq)) : Tk;
    for (int j0 = 0; j0 < jEnd; j0 += ATT_BC) {
        __syncthreads();
        for (int idx = threadIdx.x; idx < ATT_BC * D; idx += blockDim.x) {
            int r = idx / D, j = j0 + r;
            Ks[r * (D + 1) + idx % D] = j < Tk ? kb[(long long)j * D + idx % D] : 0.f;
        }
        for (int idx = threadIdx.x; idx < ATT_BC * Dv; idx += blockDim.x) {
            int r = idx / Dv, j = j0 + r;
            Vs[idx] = j < Tk ? vb[(long long)j * Dv + idx % Dv] : 0.f;
        }
        __syncthreads();
        int j = j0 + lane;
        float maskj = (j < Tk && keyMask) ? keyMask[b * Tk + j] : 0.f;
        #pragma unroll
        for (int r = 0; r < ATT_ROWS; r++) {
            int qr = warp * ATT_ROWS + r, i = i0 + qr;
            float s = -INFINITY;
            if (j < Tk && att_visible(i, j, Tq, Tk, causal)) {
                float dot = 0.f;
                for (int e = 0; e < D; e++) dot += Qs[qr * D + e] * Ks[lane * (D + 1) + e];
                s = dot + maskj;
            }
            float mn = fmaxf(m[r], warp_reduce_max(s));
            if (mn == -INFINITY) continue;  // nothing visible yet for this row
            float p = expf(s - mn), corr = expf(m[r] - mn);
            l[r] = l[r] * corr + warp_reduce_sum(p);
            m[r] = mn;
            #pragma unroll
            for (int c = 0; c < ATT_MAXD / WARP; c++) {
                int e = lane + c * WARP;
                if (c * WARP >= Dv) break;
                float acc = o[r][c] * corr;
                for (int t = 0; t < ATT_BC; t++) {
                    float pt = __shfl_sync(0xffffffffu, p, t);
                    if (e < Dv) acc += pt * Vs[t * Dv + e];
                }
                o[r][c] = acc;
            }
        }
    }
    #pragma unroll
    for (int r = 0; r < ATT_ROWS; r++) {
        int i = i0 + warp * ATT_ROWS + r;
        if (i >= Tq) continue;
        if (l[r] == 0.f && noKey && lane == 0) *noKey = 1;
        float inv = l[r] == 0.f ? NAN : 1.f / l[r];
        #pragma unroll
        for (int c = 0; c < ATT_MAXD / WARP; c++) {
            int e = lane + c * WARP;
            if (e < Dv) out[((bh * Tq) + i) * Dv + e] = o[r][c] * inv;
        }
    }
}
