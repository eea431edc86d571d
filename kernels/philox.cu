/*
philox: standard normals from Philox4x32-10 + Box-Muller, the exact definition in
backend/Philox.java: element i of a draw (seed, offset) has global index g = offset + i, block
b = g/4 with counter (lo32 b, hi32 b, 0, 0) and key (lo32 seed, hi32 seed), lane g%4; uniforms
(u + 1)·2^-32 in double; Box-Muller in double on (u0, u1) and (u2, u3); rounded to float.
log, sin and cos are portable_math.cuh's, the same operations as PortableMath.java in the same order
with every rounding explicit, so the normals are bit-identical to the Java ones, not only the words.
Reference: ReferenceOps.randn / Philox.normal. Launcher: PhiloxKernel.java.
Bytes: 4·n written; compute-bound on the double-precision log, sin and cos.

v1 naive  one thread per Philox block (four outputs).
words     raw Philox words of blocks [b0, b0 + count): the bit-exact check against Philox.block.
*/
#include "common.cuh"
#include "portable_math.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

__device__ inline uint4 philox4x32_10(uint4 c, uint2 key) {
    #pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            key.x += PHILOX_W0;
            key.y += PHILOX_W1;
        }
        unsigned hi0 = __umulhi(PHILOX_M0, c.x), lo0 = PHILOX_M0 * c.x;
        unsigned hi1 = __umulhi(PHILOX_M1, c.z), lo1 = PHILOX_M1 * c.z;
        c = make_uint4(hi1 ^ c.y ^ key.x, lo1, hi0 ^ c.w ^ key.y, lo0);
    }
    return c;
}

__device__ inline uint4 philox_block(unsigned long long seed, unsigned long long b) {
    return philox4x32_10(make_uint4((unsigned)b, (unsigned)(b >> 32), 0u, 0u),
                         make_uint2((unsigned)seed, (unsigned)(seed >> 32)));
}

__device__ inline double philox_uniform(unsigned u) { return ((double)u + 1.0) * 0x1p-32; }

extern "C" __global__ void randn_v1_naive(float* out, unsigned long long seed, unsigned long long offset, long long n) {
    unsigned long long b0 = offset / 4, bEnd = (offset + n + 3) / 4;
    const double twoPi = 6.283185307179586;  // the double nearest 2π, as 2 * Math.PI in Java
    for (unsigned long long b = b0 + blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; b < bEnd;
         b += (unsigned long long)gridDim.x * blockDim.x) {
        uint4 u = philox_block(seed, b);
        double r0 = __dsqrt_rn(PM_MUL(-2.0, pm_log(philox_uniform(u.x)))), t0 = PM_MUL(twoPi, philox_uniform(u.y));
        double r1 = __dsqrt_rn(PM_MUL(-2.0, pm_log(philox_uniform(u.z)))), t1 = PM_MUL(twoPi, philox_uniform(u.w));
        double s0, c0, s1, c1;
        pm_sincos(t0, &s0, &c0);
        pm_sincos(t1, &s1, &c1);
        float z[4] = {(float)PM_MUL(r0, c0), (float)PM_MUL(r0, s0), (float)PM_MUL(r1, c1), (float)PM_MUL(r1, s1)};
        #pragma unroll
        for (int lane = 0; lane < 4; lane++) {
            long long i = (long long)(4 * b + lane - offset);
            if (4 * b + lane >= offset && i < n) out[i] = z[lane];
        }
    }
}

extern "C" __global__ void philox_words(unsigned* out, unsigned long long seed, unsigned long long b0, long long count) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < count; t += (long long)gridDim.x * blockDim.x) {
        uint4 u = philox_block(seed, b0 + t);
        out[4 * t] = u.x;
        out[4 * t + 1] = u.y;
        out[4 * t + 2] = u.z;
        out[4 * t + 3] = u.w;
    }
}
