/*
resize: bicubic resize of x (planes, H, W) to (planes, outH, outW), PyTorch F.interpolate(mode="bicubic",
align_corners=False) semantics, weights and sums in double like the reference:
plain      a = -0.75, source scale·(i+0.5)-0.5, four taps around its floor, indices clamped.
antialias  a = -0.5, support 2·max(scale, 1) (wider when downsampling), taps outside the input
           dropped and the rest renormalised (PIL / torch antialias=True).
Reference: ReferenceOps.resizeBicubic (spec §9). Launcher: ResizeKernel.java.
Bytes: 4·planes·(H·W + outH·outW); FLOPs ≈ 2·planes·outH·outW·taps_y·taps_x.

v1 naive  one thread per output pixel, the 2-D weighted sum with both 1-D weight sets computed
          on the fly. Runs once per image (Karlo's 64→256 pre-upsample, CLIP's 224 resize).
*/
#include "common.cuh"

__device__ inline double cubic(double x, double a) {
    double ax = fabs(x);
    if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
    if (ax < 2) return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
    return 0;
}

// Taps [lo, hi) of output index i along an axis of size in; weight(j) by bicubic_weight below.
struct Taps {
    int lo, hi;
    double center, fs, total, t;
    int base;
};

__device__ inline Taps bicubic_taps(int i, int in, int outN, int antialias) {
    Taps tp;
    double scale = (double)in / outN;
    if (antialias) {
        tp.fs = fmax(scale, 1.0);
        double support = 2 * tp.fs;
        tp.center = scale * (i + 0.5);
        tp.lo = max((int)(tp.center - support + 0.5), 0);
        tp.hi = min((int)(tp.center + support + 0.5), in);
        tp.total = 0;
        for (int j = tp.lo; j < tp.hi; j++) tp.total += cubic((j - tp.center + 0.5) / tp.fs, -0.5);
    } else {
        double src = scale * (i + 0.5) - 0.5;
        tp.base = (int)floor(src);
        tp.t = src - tp.base;
        tp.lo = -1;
        tp.hi = 3;
    }
    return tp;
}

// Weight of tap j (antialias: input index; plain: tap offset -1..2) and the input index it reads.
__device__ inline double bicubic_weight(const Taps& tp, int j, int in, int antialias, int* index) {
    if (antialias) {
        *index = j;
        return cubic((j - tp.center + 0.5) / tp.fs, -0.5) / tp.total;
    }
    *index = min(max(tp.base + j, 0), in - 1);
    return cubic(j - tp.t, -0.75);
}

extern "C" __global__ void resize_bicubic_v1_naive(float* out, const float* x, long long planes, int H, int W,
                                                   int outH, int outW, int antialias) {
    long long total = planes * outH * outW;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < total;
         idx += (long long)gridDim.x * blockDim.x) {
        int j = (int)(idx % outW), i = (int)((idx / outW) % outH);
        long long p = idx / ((long long)outW * outH);
        Taps ty = bicubic_taps(i, H, outH, antialias), tx = bicubic_taps(j, W, outW, antialias);
        double sum = 0;
        for (int u = ty.lo; u < ty.hi; u++) {
            int yi, xi;
            double wy = bicubic_weight(ty, u, H, antialias, &yi);
            double row = 0;
            for (int v = tx.lo; v < tx.hi; v++) {
                double wx = bicubic_weight(tx, v, W, antialias, &xi);
                row += wx * x[(p * H + yi) * W + xi];
            }
            sum += wy * row;
        }
        out[idx] = (float)sum;
    }
}
