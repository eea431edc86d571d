#!/usr/bin/env python3
# Emulates kernels/attention.cu's attention_v3_mma_f16 on the CPU, lane by lane: the kernel's index
# math (which lane holds which element of Q, K, V, S, P and O), with mma.sync.m16n8k16 emulated from
# the fragment layouts of the PTX ISA, and fp16 rounding where the kernel rounds. It checks the
# kernel's data path against a float64 reference where no GPU is at hand; it cannot check the ISA
# facts it is built on, nor timing. NumPy only; a few seconds.
#   python3 tools/emulate-attention-v3.py
import numpy as np
f16 = lambda x: np.float32(np.float16(x))
D, BR, BC = 64, 64, 64

def frag_A(a_regs):  # a_regs[lane][4] of (lo, hi) -> 16x16
    A = np.zeros((16, 16), np.float32)
    for lane in range(32):
        g, c = lane // 4, lane % 4
        for r in range(4):
            row, col = g + (r % 2) * 8, 2 * c + (r // 2) * 8
            A[row, col], A[row, col + 1] = a_regs[lane][r]
    return A

def frag_B(b_regs):  # b_regs[lane][2] of (lo, hi) -> 16x8 (k x n)
    Bm = np.zeros((16, 8), np.float32)
    for lane in range(32):
        g, c = lane // 4, lane % 4
        for r in range(2):
            k = 2 * c + r * 8
            Bm[k, g], Bm[k + 1, g] = b_regs[lane][r]
    return Bm

def b_fragments(M, n0, k0):  # B operand (k x n) stored as M[n][k], as Ks[key][d] and Vt[d][key] are: each lane's 2 registers
    regs = []
    for lane in range(32):
        g, c = lane // 4, lane % 4
        n, k = n0 + g, k0 + 2 * c
        regs.append([(M[n, k], M[n, k + 1]), (M[n, k + 8], M[n, k + 9])])
    return regs

def mma(d, a_regs, b_regs):  # d[lane][4] += A·B in C layout
    C = frag_A(a_regs) .astype(np.float64) @ frag_B(b_regs).astype(np.float64)
    for lane in range(32):
        g, c = lane // 4, lane % 4
        d[lane][0] += C[g, 2 * c]; d[lane][1] += C[g, 2 * c + 1]
        d[lane][2] += C[g + 8, 2 * c]; d[lane][3] += C[g + 8, 2 * c + 1]

def visible(i, j, Tq, Tk, causal): return (not causal) or j <= i + (Tk - Tq)

def kernel(q, k, v, mask, causal, scale):
    Bn, H, Tq, _ = q.shape; Tk = k.shape[2]
    out = np.full((Bn, H, Tq, D), np.nan, np.float32); flag = False
    for bh in range(Bn * H):
        b, h_ = bh // H, bh % H
        qb, kb, vb = q[b, h_], k[b, h_], v[b, h_]
        for bx in range((Tq + BR - 1) // BR):
            blockLast = min(bx * BR + BR, Tq)
            jEnd = min(Tk, blockLast + (Tk - Tq)) if causal else Tk
            for warp in range(4):
                i0 = bx * BR + warp * 16
                qa = [[[None] * 4 for _ in range(32)] for _ in range(D // 16)]
                for ks in range(D // 16):
                    for lane in range(32):
                        g, c = lane // 4, lane % 4
                        for r in range(4):
                            row, col = i0 + g + (r % 2) * 8, ks * 16 + 2 * c + (r // 2) * 8
                            qa[ks][lane][r] = (f16(qb[row, col]), f16(qb[row, col + 1])) if row < Tq else (0, 0)
                o = np.zeros((32, D // 8, 4)); m = np.full((32, 2), -np.inf); l = np.zeros((32, 2))
                for j0 in range(0, jEnd, BC):
                    Ks = np.zeros((BC, D), np.float32); Vt = np.zeros((D, BC), np.float32); Ms = np.zeros(BC, np.float32)
                    for r in range(BC):
                        j = j0 + r
                        if j < Tk: Ks[r] = f16(kb[j]); Vt[:, r] = f16(vb[j])
                        Ms[r] = (mask[b, j] if mask is not None else 0) if j < Tk else -np.inf
                    s = np.zeros((32, BC // 8, 4))
                    for n in range(BC // 8):
                        for ks in range(D // 16):
                            d = [list(s[lane][n]) for lane in range(32)]
                            mma(d, [qa[ks][lane] for lane in range(32)], b_fragments(Ks, n * 8, ks * 16))
                            for lane in range(32): s[lane][n] = d[lane]
                    tileMax = np.full((32, 2), -np.inf)
                    for lane in range(32):
                        g, c = lane // 4, lane % 4; rows = [i0 + g, i0 + g + 8]
                        for n in range(BC // 8):
                            for e in range(4):
                                jl = n * 8 + 2 * c + e % 2; hh = e // 2
                                x = s[lane][n][e] * scale + Ms[jl]
                                if not visible(rows[hh], j0 + jl, Tq, Tk, causal): x = -np.inf
                                s[lane][n][e] = x; tileMax[lane][hh] = max(tileMax[lane][hh], x)
                    corr = np.zeros((32, 2))
                    for lane in range(32):
                        quad = [4 * (lane // 4) + t for t in range(4)]
                        for hh in range(2):
                            tm = max(tileMax[x][hh] for x in quad)
                            mn = max(m[lane][hh], tm)
                            corr[lane][hh] = 1.0 if mn == -np.inf else np.exp(m[lane][hh] - mn)
                            m[lane][hh] = mn; l[lane][hh] *= corr[lane][hh]
                    pa = [[[None] * 4 for _ in range(32)] for _ in range(BC // 16)]
                    for lane in range(32):
                        for n in range(BC // 8):
                            p = [0.0 if m[lane][e // 2] == -np.inf else np.exp(s[lane][n][e] - m[lane][e // 2]) for e in range(4)]
                            for e in range(4): l[lane][e // 2] += p[e]
                            pa[n // 2][lane][(n % 2) * 2 + 0] = (f16(p[0]), f16(p[1]))
                            pa[n // 2][lane][(n % 2) * 2 + 1] = (f16(p[2]), f16(p[3]))
                    for n in range(D // 8):
                        for lane in range(32):
                            o[lane][n][0:2] *= corr[lane][0]; o[lane][n][2:4] *= corr[lane][1]
                        for kk in range(BC // 16):
                            d = [list(o[lane][n]) for lane in range(32)]
                            mma(d, [pa[kk][lane] for lane in range(32)], b_fragments(Vt, n * 8, kk * 16))
                            for lane in range(32): o[lane][n] = d[lane]
                for lane in range(32):
                    g, c = lane // 4, lane % 4
                    quad = [4 * g + t for t in range(4)]
                    for hh in range(2):
                        row = i0 + g + 8 * hh
                        lsum = sum(l[x][hh] for x in quad)
                        if row >= Tq: continue
                        if lsum == 0: flag = True
                        inv = np.nan if lsum == 0 else 1 / lsum
                        for n in range(D // 8):
                            out[b, h_, row, n * 8 + 2 * c] = o[lane][n][hh * 2] * inv
                            out[b, h_, row, n * 8 + 2 * c + 1] = o[lane][n][hh * 2 + 1] * inv
    return out, flag

def reference(q, k, v, mask, causal, scale):
    Bn, H, Tq, _ = q.shape; Tk = k.shape[2]
    s = np.einsum('bhid,bhjd->bhij', q.astype(np.float64), k.astype(np.float64)) * scale
    if mask is not None: s = s + mask[:, None, None, :]
    if causal:
        i = np.arange(Tq)[:, None]; j = np.arange(Tk)[None, :]
        s = np.where(j <= i + (Tk - Tq), s, -np.inf)
    s = s - s.max(-1, keepdims=True); p = np.exp(s); p /= p.sum(-1, keepdims=True)
    return np.einsum('bhij,bhjd->bhid', p, v.astype(np.float64))

rng = np.random.default_rng(0)
for (Bn, H, Tq, Tk, causal, masked) in [(1, 1, 20, 20, False, False), (1, 2, 81, 81, True, True), (2, 1, 70, 145, False, True), (1, 1, 64, 130, True, False)]:
    q = rng.standard_normal((Bn, H, Tq, D)).astype(np.float32)
    k = rng.standard_normal((Bn, H, Tk, D)).astype(np.float32)
    v = rng.standard_normal((Bn, H, Tk, D)).astype(np.float32)
    mask = None
    if masked:
        mask = np.zeros((Bn, Tk), np.float32)
        for i in range(mask.size):
            if i % Tk != 0 and i % 3 == 1: mask.flat[i] = -np.inf
    scale = 1 / np.sqrt(D)
    got, flag = kernel(q, k, v, mask, causal, scale)
    want = reference(q, k, v, mask, causal, scale)
    rel = np.linalg.norm(got - want) / np.linalg.norm(want)
    print(f"B{Bn} H{H} Tq{Tq} Tk{Tk} causal={causal} masked={masked}: rel L2 {rel:.2e} flag={flag}")
# a row that sees no key: all keys masked for batch 0
q = rng.standard_normal((1, 1, 3, D)).astype(np.float32); k = rng.standard_normal((1, 1, 5, D)).astype(np.float32)
got, flag = kernel(q, k, k, np.full((1, 5), -np.inf, np.float32), False, 0.5)
print("fully masked: flag", flag, "nan rows", np.isnan(got).all())
# the bench's check (attention: atol 1e-5, rtol 1e-4, widened 300x for fp16, KernelBench.operandRounding) at the prior's shape, 2 heads
q = rng.standard_normal((1, 2, 81, D)).astype(np.float32); k = rng.standard_normal((1, 2, 81, D)).astype(np.float32)
v = rng.standard_normal((1, 2, 81, D)).astype(np.float32)
mask = np.zeros((1, 81), np.float32)
for j in range(81):
    if j > 0 and rng.integers(10) == 0: mask[0, j] = -np.inf
got, _ = kernel(q, k, v, mask, True, 1 / np.sqrt(D)); want = reference(q, k, v, mask, True, 1 / np.sqrt(D))
err = np.abs(got - want); bad = (err > 300 * 1e-5 + 300 * 1e-4 * np.abs(want)).sum()
print("bench check at the prior's shape:", bad, "elements out of", want.size, "fail; max err", err.max(), "rel L2", np.linalg.norm(got - want) / np.linalg.norm(want))
