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
v3 mma_f16 v2's algorithm on the tensor cores (FlashAttention-2's register layout), head size 64
           (every Karlo attention; other sizes run v2): one block of 4 warps per 64-query tile, each
           warp 16 query rows held as fp16 mma.sync A fragments; 64-key tiles of K (as [key][d]) and
           V (transposed, [d][key]) staged in shared memory as fp16, rows padded by 8 halves so the
           fragment loads hit 32 different banks. S = Q·Kᵀ by mma.sync.m16n8k16 into fp32 registers,
           scale, mask and online softmax on those registers (a row's 4 values per n-tile live in the
           4 lanes of a quad: two shuffles reduce them), then the probabilities P, rounded to fp16,
           are already laid out as the A fragments of O += P·V: no shared-memory round trip.
           Accuracy: fp16 Q, K, V and P (~1e-3 relative), fp32 accumulation and softmax state.
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

// ---------------------------------------------------------------------------------------------- v3
#define ATT3_D 64          // head size v3 handles
#define ATT3_BR 64         // query rows per block: 4 warps × 16
#define ATT3_BC 64         // keys per tile
#define ATT3_PAD 72        // smem row stride in halves (64 + 8): fragment loads of a warp hit 32 banks

// D (+)= A·B for one m16n8k16 tile: A 16×16 row-major (4 × half2), B 16×8 column-major (2 × half2), fp32 C/D.
__device__ inline void mma_16816(float (&d)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two floats as one register of fp16 pair: lo in the low half (the lower column of a fragment).
__device__ inline unsigned pack_half2(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<unsigned*>(&h);
}

// Fragment ownership (PTX ISA, mma.m16n8k16): lane = 4·g + c (g = groupID 0..7, c = thread in group 0..3).
// A: rows g and g+8, columns 2c, 2c+1 and 2c+8, 2c+9. B: rows (k) 2c, 2c+1 and 2c+8, 2c+9, column (n) g.
// C: rows g (d[0], d[1]) and g+8 (d[2], d[3]), columns 2c, 2c+1.
extern "C" __global__ void __launch_bounds__(128)
attention_v3_mma_f16(float* out, const float* q, const float* k, const float* v, const float* keyMask, int B, int H,
                     int Tq, int Tk, int D, int Dv, int causal, float scale, int* noKey) {
    __shared__ __align__(16) __half Ks[ATT3_BC * ATT3_PAD];  // [key][d]; 4-byte fragment loads need the alignment
    __shared__ __align__(16) __half Vt[ATT3_D * ATT3_PAD];   // [d][key]
    __shared__ float Ms[ATT3_BC];               // the tile's additive key mask, -inf past Tk
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, g = lane / 4, c = lane % 4;
    long long bh = blockIdx.y;
    int b = (int)(bh / H), i0 = blockIdx.x * ATT3_BR + warp * 16;  // this warp's first query row
    const float* qb = q + bh * Tq * ATT3_D;
    const float* kb = k + bh * Tk * ATT3_D;
    const float* vb = v + bh * Tk * ATT3_D;

    // this warp's 16 query rows as A fragments for the 4 k-steps of 16 over d (rows past Tq are 0)
    unsigned qa[ATT3_D / 16][4];
    #pragma unroll
    for (int ks = 0; ks < ATT3_D / 16; ks++) {
        #pragma unroll
        for (int r = 0; r < 4; r++) {
            int row = i0 + g + (r % 2) * 8, col = ks * 16 + 2 * c + (r / 2) * 8;
            const float* src = qb + (long long)row * ATT3_D + col;
            qa[ks][r] = row < Tq ? pack_half2(src[0], src[1]) : 0u;
        }
    }
    float o[ATT3_D / 8][4];  // O rows g, g+8 × this lane's 2 columns of each of the 8 d-tiles
    #pragma unroll
    for (int n = 0; n < ATT3_D / 8; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.f;
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};  // rows g and g+8: running max, this lane's partial sum
    int rows[2] = {i0 + g, i0 + g + 8};

    int blockLast = min((int)blockIdx.x * ATT3_BR + ATT3_BR, Tq);  // with causal, no key past its diagonal is seen
    int jEnd = causal ? min(Tk, blockLast + (Tk - Tq)) : Tk;
    for (int j0 = 0; j0 < jEnd; j0 += ATT3_BC) {
        __syncthreads();  // the previous tile is consumed
        for (int idx = threadIdx.x; idx < ATT3_BC * ATT3_D; idx += blockDim.x) {
            int r = idx / ATT3_D, d = idx % ATT3_D, j = j0 + r;
            Ks[r * ATT3_PAD + d] = __float2half_rn(j < Tk ? kb[(long long)j * ATT3_D + d] : 0.f);
            Vt[d * ATT3_PAD + r] = __float2half_rn(j < Tk ? vb[(long long)j * ATT3_D + d] : 0.f);
        }
        for (int r = threadIdx.x; r < ATT3_BC; r += blockDim.x) {
            int j = j0 + r;
            Ms[r] = j < Tk ? (keyMask ? keyMask[b * Tk + j] : 0.f) : -INFINITY;
        }
        __syncthreads();

        // S = Q·Kᵀ for 8 n-tiles of 8 keys
        float s[ATT3_BC / 8][4];
        #pragma unroll
        for (int n = 0; n < ATT3_BC / 8; n++) {
            s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.f;
            const __half* kr = Ks + (n * 8 + g) * ATT3_PAD + 2 * c;  // key n·8+g, d = 2c.. of each k-step
            #pragma unroll
            for (int ks = 0; ks < ATT3_D / 16; ks++) {
                unsigned b0 = *reinterpret_cast<const unsigned*>(kr + ks * 16);
                unsigned b1 = *reinterpret_cast<const unsigned*>(kr + ks * 16 + 8);
                mma_16816(s[n], qa[ks], b0, b1);
            }
        }
        // scale, mask, causal rule; then each row's tile max over its quad
        float tileMax[2] = {-INFINITY, -INFINITY};
        #pragma unroll
        for (int n = 0; n < ATT3_BC / 8; n++) {
            #pragma unroll
            for (int e = 0; e < 4; e++) {
                int jl = n * 8 + 2 * c + (e % 2), j = j0 + jl, h = e / 2;
                float x = s[n][e] * scale + Ms[jl];
                if (!att_visible(rows[h], j, Tq, Tk, causal)) x = -INFINITY;
                s[n][e] = x;
                tileMax[h] = fmaxf(tileMax[h], x);
            }
        }
        float corr[2];
        #pragma unroll
        for (int h = 0; h < 2; h++) {
            tileMax[h] = fmaxf(tileMax[h], __shfl_xor_sync(0xffffffffu, tileMax[h], 1));
            tileMax[h] = fmaxf(tileMax[h], __shfl_xor_sync(0xffffffffu, tileMax[h], 2));
            float mn = fmaxf(m[h], tileMax[h]);
            // nothing visible to this row yet: its p are all 0 and its state stays as it is
            corr[h] = mn == -INFINITY ? 1.f : __expf(m[h] - mn);
            m[h] = mn;
            l[h] *= corr[h];
        }
        // P = exp(S - m), its partial row sums, and P as fp16 A fragments (16 keys per k-step)
        unsigned pa[ATT3_BC / 16][4];
        #pragma unroll
        for (int n = 0; n < ATT3_BC / 8; n++) {
            float p[4];
            #pragma unroll
            for (int e = 0; e < 4; e++) {
                int h = e / 2;
                p[e] = m[h] == -INFINITY ? 0.f : __expf(s[n][e] - m[h]);
                l[h] += p[e];
            }
            // S's C layout (rows g / g+8, columns 2c, 2c+1 of n-tile n) is A's layout for keys 16·(n/2) + 8·(n%2) + 2c
            pa[n / 2][(n % 2) * 2 + 0] = pack_half2(p[0], p[1]);
            pa[n / 2][(n % 2) * 2 + 1] = pack_half2(p[2], p[3]);
        }
        // O = O·corr + P·V over 8 d-tiles
        #pragma unroll
        for (int n = 0; n < ATT3_D / 8; n++) {
            o[n][0] *= corr[0]; o[n][1] *= corr[0];
            o[n][2] *= corr[1]; o[n][3] *= corr[1];
            const __half* vr = Vt + (n * 8 + g) * ATT3_PAD + 2 * c;  // d n·8+g, keys 2c.. of each k-step
            #pragma unroll
            for (int kk = 0; kk < ATT3_BC / 16; kk++) {
                unsigned b0 = *reinterpret_cast<const unsigned*>(vr + kk * 16);
                unsigned b1 = *reinterpret_cast<const unsigned*>(vr + kk * 16 + 8);
                mma_16816(o[n], pa[kk], b0, b1);
            }
        }
    }
    // the quad's partial sums make each row's sum; a row that saw no key gets NaN and raises the flag
    #pragma unroll
    for (int h = 0; h < 2; h++) {
        l[h] += __shfl_xor_sync(0xffffffffu, l[h], 1);
        l[h] += __shfl_xor_sync(0xffffffffu, l[h], 2);
        int row = rows[h];
        if (row >= Tq) continue;
        if (l[h] == 0.f && noKey && c == 0) *noKey = 1;
        float inv = l[h] == 0.f ? NAN : 1.f / l[h];
        float* dst = out + (bh * Tq + row) * ATT3_D + 2 * c;
        #pragma unroll
        for (int n = 0; n < ATT3_D / 8; n++) {
            dst[n * 8] = o[n][h * 2] * inv;
            dst[n * 8 + 1] = o[n][h * 2 + 1] * inv;
        }
    }
}

