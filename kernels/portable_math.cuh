// log, sin and cos for Box–Muller, operation for operation as src/main/java/unclip4j/backend/PortableMath.java
// (see there for the method), so that CUDA and the CPU draw bit-identical normals. Every operation is
// written out as a correctly rounded intrinsic on the device: nvcc would otherwise contract a·b + c
// into one fused multiply-add, which rounds once instead of twice and changes the bits. On the host
// (the parity test compiles this header as host code) they are the plain operators.
#pragma once
#include <stdint.h>
#include <string.h>

#if defined(__CUDA_ARCH__)
#define PM_ADD(a, b) __dadd_rn((a), (b))
#define PM_SUB(a, b) __dsub_rn((a), (b))
#define PM_MUL(a, b) __dmul_rn((a), (b))
#define PM_DIV(a, b) __ddiv_rn((a), (b))
#else
#define PM_ADD(a, b) ((a) + (b))
#define PM_SUB(a, b) ((a) - (b))
#define PM_MUL(a, b) ((a) * (b))
#define PM_DIV(a, b) ((a) / (b))
#endif

#define PM_SQRT2 0x1.6a09e667f3bcdp+0
#define PM_LN2_HI 0x1.62e42fee00000p-1
#define PM_LN2_LO 0x1.a39ef35793c76p-33
#define PM_TWO_OVER_PI 0x1.45f306dc9c883p-1
#define PM_PIO2_1 0x1.921fb54400000p+0
#define PM_PIO2_2 0x1.0b4611a600000p-34
#define PM_PIO2_3 0x1.3198a2e037073p-69

// series coefficients, highest power first, as LOG_SERIES, SIN_SERIES, COS_SERIES in PortableMath.java
__host__ __device__ inline double pm_horner(double z, const double* c, int n) {
    double p = c[0];
    for (int i = 1; i < n; i++) p = PM_ADD(PM_MUL(p, z), c[i]);
    return p;
}

__host__ __device__ inline double pm_log(double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    uint64_t mbits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    double m;
    memcpy(&m, &mbits, 8);
    if (m > PM_SQRT2) {
        m = PM_MUL(m, 0.5);
        e = e + 1;
    }
    double f = PM_SUB(m, 1.0);
    double s = PM_DIV(f, PM_ADD(2.0, f));
    double z = PM_MUL(s, s);
    const double series[9] = {0x1.af286bca1af28p-5, 0x1.e1e1e1e1e1e1ep-5, 0x1.1111111111111p-4, 0x1.3b13b13b13b14p-4,
                              0x1.745d1745d1746p-4, 0x1.c71c71c71c71cp-4, 0x1.2492492492492p-3, 0x1.999999999999ap-3,
                              0x1.5555555555555p-2};  // 1/19, 1/17, ..., 1/3
    double logm = PM_ADD(PM_MUL(2.0, s), PM_MUL(PM_MUL(2.0, s), PM_MUL(z, pm_horner(z, series, 9))));
    double ed = (double)e;
    return PM_ADD(PM_MUL(ed, PM_LN2_HI), PM_ADD(PM_MUL(ed, PM_LN2_LO), logm));
}

__host__ __device__ inline void pm_sincos(double theta, double* sin_out, double* cos_out) {
    double kd = rint(PM_MUL(theta, PM_TWO_OVER_PI));
    double r = PM_SUB(theta, PM_MUL(kd, PM_PIO2_1));
    r = PM_SUB(r, PM_MUL(kd, PM_PIO2_2));
    r = PM_SUB(r, PM_MUL(kd, PM_PIO2_3));
    double z = PM_MUL(r, r);
    const double sin_series[8] = {0x1.952c77030ad4ap-49, -0x1.ae7f3e733b81fp-41, 0x1.6124613a86d09p-33,
                                  -0x1.ae64567f544e4p-26, 0x1.71de3a556c734p-19, -0x1.a01a01a01a01ap-13,
                                  0x1.1111111111111p-7, -0x1.5555555555555p-3};  // 1/17!, -1/15!, ..., -1/3!
    const double cos_series[7] = {0x1.ae7f3e733b81fp-45, -0x1.93974a8c07c9dp-37, 0x1.1eed8eff8d898p-29,
                                  -0x1.27e4fb7789f5cp-22, 0x1.a01a01a01a01ap-16, -0x1.6c16c16c16c17p-10,
                                  0x1.5555555555555p-5};  // 1/16!, -1/14!, ..., 1/4!
    double s = PM_ADD(r, PM_MUL(r, PM_MUL(z, pm_horner(z, sin_series, 8))));
    double c = PM_ADD(PM_SUB(1.0, PM_MUL(0.5, z)), PM_MUL(PM_MUL(z, z), pm_horner(z, cos_series, 7)));
    switch ((int)kd & 3) {
        case 0: *sin_out = s; *cos_out = c; break;
        case 1: *sin_out = c; *cos_out = -s; break;
        case 2: *sin_out = -s; *cos_out = -c; break;
        default: *sin_out = -c; *cos_out = s; break;
    }
}
