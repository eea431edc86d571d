#!/usr/bin/env python3
# Emulates kernels/group_norm.cu's group_norm_v3_split on the CPU: the chunking of each group over P
# blocks, each chunk's fp32 mean and centred sum of squares, and the merge of a group's partials
# (Chan et al.'s pairwise update, in double), against a float64 GroupNorm, on data whose mean is
# large against its spread. It checks the arithmetic, not the CUDA. NumPy only; seconds.
#   python3 tools/emulate-group-norm-v3.py
import numpy as np
def chunk(p, P, size):
    c = (size + P - 1) // P
    f = min(p * c, size); return f, min(f + c, size)
def v3(x, G, eps, P):
    N, C = x.shape[:2]; S = int(np.prod(x.shape[2:])); cg = C // G; size = cg * S
    xf = x.reshape(N, C * S).astype(np.float32); out = np.empty_like(xf)
    for n in range(N):
        for g in range(G):
            xs = xf[n, g * cg * S:(g + 1) * cg * S]
            parts = []
            for p in range(P):
                f, t = chunk(p, P, size); cnt = t - f
                m = np.float32(xs[f:t].sum(dtype=np.float32) / cnt) if cnt else np.float32(0)
                parts.append((m, np.float32(((xs[f:t] - m) ** 2).sum(dtype=np.float32)) if cnt else np.float32(0)))
            count = mean = m2 = 0.0
            for q in range(P):
                f, t = chunk(q, P, size); nb = t - f
                if nb == 0: continue
                d = float(parts[q][0]) - mean; tot = count + nb
                mean += d * nb / tot; m2 += float(parts[q][1]) + d * d * count * nb / tot; count = tot
            rstd = 1 / np.sqrt(np.float32(m2 / size) + eps)
            out[n, g * cg * S:(g + 1) * cg * S] = (xs - np.float32(mean)) * rstd
    return out.reshape(x.shape)
def ref(x, G, eps):
    N, C = x.shape[:2]; xr = x.reshape(N, G, -1).astype(np.float64)
    m = xr.mean(-1, keepdims=True); v = xr.var(-1, keepdims=True)
    return ((xr - m) / np.sqrt(v + eps)).reshape(x.shape)
rng = np.random.default_rng(1)
for shape, G, P in [((1, 320, 64, 64), 32, 9), ((2, 64, 33, 7), 32, 3), ((1, 32, 100), 32, 7), ((1, 6, 5000), 3, 5)]:
    x = (rng.standard_normal(shape) * 3 + 50).astype(np.float32)  # |mean| >> std: the case a naive E[x²]-mean² loses
    got = v3(x, G, 1e-5, P); want = ref(x, G, 1e-5)
    print(shape, "P", P, "rel L2", np.linalg.norm(got - want) / np.linalg.norm(want))
