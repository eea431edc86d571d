package unclip4j.pipeline;

import unclip4j.tensor.Tensor;

/**
 * Spherical linear interpolation and the vector helpers the embedding edits need, in double
 * precision on host tensors of one embedding ({@code [D]} or {@code [1, D]}).
 *
 * <p>{@code slerp(a, b, t) = sin((1−t)·Ω)/sin Ω · a + sin(t·Ω)/sin Ω · b} with
 * {@code Ω = arccos(â·b̂)}: the angle is taken between the directions while the coefficients apply
 * to the vectors as given (the form of the diffusers unCLIP interpolation pipelines), so
 * {@code t = 0} gives exactly {@code a} and {@code t = 1} exactly {@code b}.
 */
public final class Slerp {
    /** Below this angle (radians) the vectors count as parallel and are interpolated linearly. */
    private static final double PARALLEL = 1e-6;

    private Slerp() {}

    public static Tensor slerp(Tensor a, Tensor b, double t) {
        if (!a.sameShape(b)) throw new IllegalArgumentException("slerp of embeddings of different shapes");
        if (!Double.isFinite(t)) throw new IllegalArgumentException("slerp fraction must be finite, got " + t);
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        double nx = norm(x), ny = norm(y);
        if (nx == 0 || ny == 0) throw new IllegalArgumentException("slerp needs two directions, but an embedding is all zeros");
        double cos = Math.clamp(dot(x, y) / (nx * ny), -1.0, 1.0);
        double omega = Math.acos(cos);
        double ca, cb;
        if (omega < PARALLEL) {
            ca = 1 - t;
            cb = t;
        } else {
            if (Math.PI - omega < PARALLEL) throw new IllegalArgumentException("slerp between opposite embeddings is undefined");
            double so = Math.sin(omega);
            ca = Math.sin((1 - t) * omega) / so;
            cb = Math.sin(t * omega) / so;
        }
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (ca * x[i] + cb * y[i]);
        return Tensor.of(out, a.shape());
    }

    public static Tensor scale(Tensor v, double s) {
        double[] x = v.toDoubleArray();
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (x[i] * s);
        return Tensor.of(out, v.shape());
    }

    public static double norm(Tensor v) {
        return norm(v.toDoubleArray());
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }
}
