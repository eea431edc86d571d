package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float loops under the fast CPU backend, on contiguous runs of floats in off-heap memory
 * (offsets and lengths in floats). Each loop has a Vector API body ({@code SPECIES_PREFERRED})
 * and a scalar tail that doubles as the whole loop when vectors are switched off
 * ({@code -Dunclip4j.cpu.vector=false}); both compute the same formula in float.
 *
 * <p>Results are bit-for-bit reproducible run to run: the Vector API's own {@code EXP} and
 * {@code reduceLanes(ADD)} may round differently in the interpreter and in C2-compiled code (so the
 * first and the hundredth call of a loop could disagree), hence the exp polynomial and the
 * fixed-order lane sum below.
 *
 * <p>Rule for new loops: one vector loop per method. Vectors cross calls only into the small helpers
 * (load, store, exp, erf), which must be inlined: a vector passed to or returned from a call C2 does not
 * inline is boxed, and C2 stops inlining once a method reaches its node budget
 * (NodeCountInliningCutoff). Two polynomials in one method were enough. Check with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining}.
 */
final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Reductions add float partial sums over blocks this long, then the blocks in double. */
    private static final int REDUCE_BLOCK = 1024;

    // Float erf as a rational minimax approximation on [-4, 4] (Eigen generic_fast_erf_float /
    // XLA ErfImpl32): erf(x) ≈ x·P(x²)/Q(x²); measured max error 3.3e-7, absolute and relative (a few float
    // ulps; commons-math Erf as truth). erf(±4) already rounds to ±1 in float.
    private static final float ERF_CLAMP = 4f;
    private static final float[] ERF_ALPHA = {
        -2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f, -5.69250639462346e-05f,
        -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f,
    };
    private static final float[] ERF_BETA = {
        -1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f, -7.37332916720468e-03f,
        -1.42647390514189e-02f,
    };
    private static final float SQRT1_2 = (float) Math.sqrt(0.5);
    private static final float QUICK_GELU_K = 1.702f;

    // exp by range reduction x = n·ln2 + r (Cody-Waite split of ln2) and Cephes' degree-6 polynomial
    // for e^r on [-ln2/2, ln2/2] (error ~1 ulp); every step is an IEEE add, mul or fma, so compiled and
    // interpreted code agree exactly.
    private static final float EXP_HI = 88.72283f, EXP_LO = -87.33654f, EXP_MAX_REDUCED = 88.3f;
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5·2^23: adding and subtracting it rounds to an integer
    private static final float[] EXP_P = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
        1.6666665459e-1f, 5.0000001201e-1f};

    enum Unary { GELU, QUICK_GELU, SILU, EXP }

    enum Binary { ADD, SUB, MUL }

    private final boolean vector;

    VectorKernels(boolean vector) {
        this.vector = vector;
    }

    boolean vector() {
        return vector;
    }

    /**
     * {@code y[i] = op(x[i])} for n floats. Each op has its own vector loop in its own method: with all
     * four inlined into one loop, C2 ran out of its node budget (NodeCountInliningCutoff) and left
     * {@code erf} and {@code store} as calls that box a vector per 16 floats (see softmaxInPlace).
     */
    void unary(Unary op, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = !vector ? 0 : switch (op) {
            case GELU -> geluVectors(x, xo, y, yo, n);
            case QUICK_GELU -> quickGeluVectors(x, xo, y, yo, n);
            case SILU -> siluVectors(x, xo, y, yo, n);
            case EXP -> expVectors(x, xo, y, yo, n);
        };
        for (; i < n; i++) {
            float v = x.getAtIndex(F, xo + i);
            float r = switch (op) {
                case GELU -> 0.5f * v * (1f + erf(v * SQRT1_2));
                case QUICK_GELU -> v / (1f + (float) Math.exp(-QUICK_GELU_K * v));
                case SILU -> v / (1f + (float) Math.exp(-v));
                case EXP -> (float) Math.exp(v);
            };
            y.setAtIndex(F, yo + i, r);
        }
    }

    /** The vector part of {@link #unary} for GELU; returns where the scalar tail starts (as do the three below). */
    private static int geluVectors(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = load(x, xo + i);
            store(v.mul(0.5f).mul(erf(v.mul(SQRT1_2)).add(1f)), y, yo + i);
        }
        return i;
    }

    private static int quickGeluVectors(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = load(x, xo + i);
            store(v.div(exp(v.mul(-QUICK_GELU_K)).add(1f)), y, yo + i);
        }
        return i;
    }

    private static int siluVectors(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = load(x, xo + i);
            store(v.div(exp(v.neg()).add(1f)), y, yo + i);
        }
        return i;
    }

    private static int expVectors(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) store(exp(load(x, xo + i)), y, yo + i);
        return i;
    }

    /**
     * {@code y[i] = a[i·as] op b[i·bs]} for n floats; each stride is 1 (a run) or 0 (one value
     * broadcast along the run).
     */
    void binary(Binary op, MemorySegment a, long ao, int as, MemorySegment b, long bo, int bs, MemorySegment y, long yo, int n) {
        int i = 0;
        // one loop per operand pattern, so no vector value is ever null or a merge of a broadcast and a
        // load: that construct was in the C2-compiled frame of a JVM crash (a Halt node reached, JDK 25.0.3).
        // Two broadcast operands (one value each, so a constant output) take the scalar loop.
        if (vector && (as != 0 || bs != 0)) {
            int bound = S.loopBound(n);
            if (as == 0) {
                FloatVector va = FloatVector.broadcast(S, a.getAtIndex(F, ao));
                for (; i < bound; i += S.length()) store(apply(op, va, load(b, bo + i)), y, yo + i);
            } else if (bs == 0) {
                FloatVector vb = FloatVector.broadcast(S, b.getAtIndex(F, bo));
                for (; i < bound; i += S.length()) store(apply(op, load(a, ao + i), vb), y, yo + i);
            } else {
                for (; i < bound; i += S.length()) store(apply(op, load(a, ao + i), load(b, bo + i)), y, yo + i);
            }
        }
        for (; i < n; i++) {
            float va = a.getAtIndex(F, ao + (long) i * as), vb = b.getAtIndex(F, bo + (long) i * bs);
            float r = switch (op) {
                case ADD -> va + vb;
                case SUB -> va - vb;
                case MUL -> va * vb;
            };
            y.setAtIndex(F, yo + i, r);
        }
    }

    private static FloatVector apply(Binary op, FloatVector va, FloatVector vb) {
        return switch (op) {
            case ADD -> va.add(vb);
            case SUB -> va.sub(vb);
            case MUL -> va.mul(vb);
        };
    }

    /**
     * {@code y[i] = (x[i] − center)·a + b}, then SiLU if asked: the per-channel tail of a fused GroupNorm
     * (centering first keeps a large mean from cancelling in float) and, with center 0, a plain affine map.
     */
    void scaleShift(MemorySegment x, long xo, MemorySegment y, long yo, int n, float center, float a, float b, boolean silu) {
        int i = 0;
        if (vector) {
            FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector r = load(x, xo + i).sub(center).fma(va, vb);
                if (silu) r = r.div(exp(r.neg()).add(1f));
                store(r, y, yo + i);
            }
        }
        for (; i < n; i++) {
            float r = Math.fma(x.getAtIndex(F, xo + i) - center, a, b);
            if (silu) r = r / (1f + (float) Math.exp(-r));
            y.setAtIndex(F, yo + i, r);
        }
    }

    /** {@code y[i] = min(max(x[i], lo), hi)}; NaN stays NaN. */
    void clamp(MemorySegment x, long xo, MemorySegment y, long yo, int n, float lo, float hi) {
        int i = 0;
        if (vector) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) store(load(x, xo + i).max(lo).min(hi), y, yo + i);
        }
        for (; i < n; i++) y.setAtIndex(F, yo + i, Math.min(Math.max(x.getAtIndex(F, xo + i), lo), hi));
    }

    /** {@code y[i] += a·x[i]}. */
    void axpy(float a, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        if (vector) {
            FloatVector va = FloatVector.broadcast(S, a);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) store(load(x, xo + i).fma(va, load(y, yo + i)), y, yo + i);
        }
        for (; i < n; i++) y.setAtIndex(F, yo + i, Math.fma(a, x.getAtIndex(F, xo + i), y.getAtIndex(F, yo + i)));
    }

    /** {@code Σ x[i]}. */
    double sum(MemorySegment x, long xo, int n) {
        double total = 0;
        for (int start = 0; start < n; start += REDUCE_BLOCK) {
            int len = Math.min(REDUCE_BLOCK, n - start), i = 0;
            float block = 0f;
            if (vector) {
                FloatVector acc = FloatVector.zero(S);
                for (int bound = S.loopBound(len); i < bound; i += S.length()) acc = acc.add(load(x, xo + start + i));
                block = laneSum(acc);
            }
            for (; i < len; i++) block += x.getAtIndex(F, xo + start + i);
            total += block;
        }
        return total;
    }

    /** {@code Σ (x[i] − mean)²}: the second pass of a two-pass variance (no cancellation). */
    double sumSquaredDeviation(MemorySegment x, long xo, int n, float mean) {
        double total = 0;
        for (int start = 0; start < n; start += REDUCE_BLOCK) {
            int len = Math.min(REDUCE_BLOCK, n - start), i = 0;
            float block = 0f;
            if (vector) {
                FloatVector acc = FloatVector.zero(S);
                for (int bound = S.loopBound(len); i < bound; i += S.length()) {
                    FloatVector d = load(x, xo + start + i).sub(mean);
                    acc = d.fma(d, acc);
                }
                block = laneSum(acc);
            }
            for (; i < len; i++) {
                float d = x.getAtIndex(F, xo + start + i) - mean;
                block += d * d;
            }
            total += block;
        }
        return total;
    }

    /** {@code y[i] = (x[i] − mean)·rstd·γ[i] + β[i]} (γ, β: n floats from index 0, or null for 1 and 0). */
    void normalize(MemorySegment x, long xo, MemorySegment y, long yo, int n, float mean, float rstd,
                   MemorySegment gamma, MemorySegment beta) {
        int i = 0;
        if (vector) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector r = load(x, xo + i).sub(mean).mul(rstd);
                if (gamma != null) r = r.mul(load(gamma, i));
                if (beta != null) r = r.add(load(beta, i));
                store(r, y, yo + i);
            }
        }
        for (; i < n; i++) {
            float r = (x.getAtIndex(F, xo + i) - mean) * rstd;
            if (gamma != null) r *= gamma.getAtIndex(F, i);
            if (beta != null) r += beta.getAtIndex(F, i);
            y.setAtIndex(F, yo + i, r);
        }
    }

    /**
     * In-place softmax of a row of n floats: {@code exp(x − max) / Σ}. A fully masked row (max = −inf)
     * throws IllegalArgumentException instead of turning into NaN.
     *
     * <p>The three passes are separate methods whose arguments and results are scalars: C2 parses one
     * method into at most NodeCountInliningCutoff nodes, and with the exp polynomial inlined the third
     * loop of a single-method softmax went past it, so its {@code load}/{@code store} were left as calls
     * that box a FloatVector per 16 floats (that loop then took most of the attention time, more or less
     * depending on the warm-up). A pass that is not inlined here is compiled on its own, whole.
     */
    void softmaxInPlace(MemorySegment x, long xo, int n) {
        float max = rowMax(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) throw new IllegalArgumentException("softmax row fully masked (all -inf): no distribution");
        double sum = expShiftedInPlace(x, xo, n, max);
        scaleInPlace(x, xo, n, (float) (1 / sum));
    }

    private float rowMax(MemorySegment x, long xo, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (vector) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) acc = acc.max(load(x, xo + i));
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, x.getAtIndex(F, xo + i));
        return max;
    }

    /** {@code x[i] = exp(x[i] − max)}, returning {@code Σ x[i]}. */
    private double expShiftedInPlace(MemorySegment x, long xo, int n, float max) {
        double sum = 0;
        int i = 0;
        if (vector) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector e = exp(load(x, xo + i).sub(max));
                store(e, x, xo + i);
                acc = acc.add(e);
            }
            sum = laneSum(acc);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F, xo + i) - max);
            x.setAtIndex(F, xo + i, e);
            sum += e;
        }
        return sum;
    }

    private void scaleInPlace(MemorySegment x, long xo, int n, float a) {
        int i = 0;
        if (vector) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) store(load(x, xo + i).mul(a), x, xo + i);
        }
        for (; i < n; i++) x.setAtIndex(F, xo + i, x.getAtIndex(F, xo + i) * a);
    }

    static float erf(float x) {
        x = Math.min(Math.max(x, -ERF_CLAMP), ERF_CLAMP);
        float x2 = x * x;
        float p = ERF_ALPHA[0];
        for (int j = 1; j < ERF_ALPHA.length; j++) p = Math.fma(p, x2, ERF_ALPHA[j]);
        float q = ERF_BETA[0];
        for (int j = 1; j < ERF_BETA.length; j++) q = Math.fma(q, x2, ERF_BETA[j]);
        return x * p / q;
    }

    private static FloatVector erf(FloatVector x) {
        x = x.max(-ERF_CLAMP).min(ERF_CLAMP);
        FloatVector x2 = x.mul(x);
        FloatVector p = FloatVector.broadcast(S, ERF_ALPHA[0]);
        for (int j = 1; j < ERF_ALPHA.length; j++) p = p.fma(x2, FloatVector.broadcast(S, ERF_ALPHA[j]));
        FloatVector q = FloatVector.broadcast(S, ERF_BETA[0]);
        for (int j = 1; j < ERF_BETA.length; j++) q = q.fma(x2, FloatVector.broadcast(S, ERF_BETA[j]));
        return x.mul(p).div(q);
    }

    private static FloatVector load(MemorySegment s, long floatIndex) {
        return FloatVector.fromMemorySegment(S, s, floatIndex * Float.BYTES, ORDER);
    }

    private static void store(FloatVector v, MemorySegment s, long floatIndex) {
        v.intoMemorySegment(s, floatIndex * Float.BYTES, ORDER);
    }

    /** e^x lane-wise (see the constants above); x > 88.72 gives +inf, x < −87.34 gives 0. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_MAX_REDUCED);
        FloatVector n = xc.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, EXP_P[0]);
        for (int k = 1; k < EXP_P.length; k++) p = p.fma(r, FloatVector.broadcast(S, EXP_P[k]));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        // 2^n from the exponent bits; n is in [-126, 127] after the clamp
        FloatVector twoN = ((jdk.incubator.vector.IntVector) n.convert(VectorOperators.F2I, 0))
                .add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = er.mul(twoN);
        e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
        return e.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    }

    /** Σ of the lanes in lane order: unlike reduceLanes(ADD), the same rounding in every compilation state. */
    private static float laneSum(FloatVector v) {
        float s = 0f;
        for (int l = 0; l < S.length(); l++) s += v.lane(l);
        return s;
    }
}
