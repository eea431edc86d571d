package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import unclip4j.backend.OpShapes;
import unclip4j.tensor.DType;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Tensor;

/**
 * Separable bicubic resize: a horizontal pass over every input row into {@code [H, outW]}, then a
 * vertical pass that builds each output row as a weighted sum of those rows. Each axis has a tap
 * table (index and float weight per output position and tap) computed once per call, with the
 * semantics of spec §9 (antialiased, a = −0.5) or PyTorch's plain bicubic (a = −0.75, clamped border).
 */
final class BicubicResampler {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private BicubicResampler() {}

    /** Taps of a 1-D resampling: output i reads {@code index[i·count + t]} with {@code weight[i·count + t]}. */
    record Taps(int count, int[] index, float[] weight) {
        static Taps of(int in, int out, boolean antialias) {
            double scale = (double) in / out;
            if (!antialias) {
                int[] index = new int[out * 4];
                float[] weight = new float[out * 4];
                for (int i = 0; i < out; i++) {
                    double src = scale * (i + 0.5) - 0.5;
                    int base = (int) Math.floor(src);
                    double t = src - base;
                    for (int tap = 0; tap < 4; tap++) {
                        index[i * 4 + tap] = Math.min(Math.max(base + tap - 1, 0), in - 1);
                        weight[i * 4 + tap] = (float) cubic(tap - 1 - t, -0.75);
                    }
                }
                return new Taps(4, index, weight);
            }
            double fs = Math.max(scale, 1), support = 2 * fs;
            int count = (int) Math.ceil(support) * 2 + 1;
            int[] index = new int[out * count];
            float[] weight = new float[out * count];
            for (int i = 0; i < out; i++) {
                double center = scale * (i + 0.5);
                int lo = Math.max((int) (center - support + 0.5), 0), hi = Math.min((int) (center + support + 0.5), in);
                double total = 0;
                for (int j = lo; j < hi; j++) total += cubic((j - center + 0.5) / fs, -0.5);
                for (int t = 0; t < count; t++) {
                    int j = lo + t;
                    index[i * count + t] = Math.min(j, in - 1);
                    weight[i * count + t] = j < hi ? (float) (cubic((j - center + 0.5) / fs, -0.5) / total) : 0f;
                }
            }
            return new Taps(count, index, weight);
        }
    }

    static Tensor resize(VectorKernels kernels, Tensor input, int outH, int outW, boolean antialias) {
        long[] os = OpShapes.resizeBicubic(input, outH, outW);
        Tensor x = StridedCopy.f32(input);
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        Taps ty = Taps.of(h, outH, antialias), tx = Taps.of(w, outW, antialias);
        Tensor out = Tensor.zeros(DType.F32, os);
        MemorySegment xs = x.segment(), ys = out.segment();
        Parallel.forRange(planes, 1, (lo, hi) -> {
            MemorySegment tmp = HostStorage.allocate((long) h * outW * Float.BYTES).segment();
            for (int p = lo; p < hi; p++) {
                long inBase = (long) p * h * w, outBase = (long) p * outH * outW;
                for (int y = 0; y < h; y++) {
                    for (int j = 0; j < outW; j++) {
                        float sum = 0f;
                        for (int t = 0; t < tx.count(); t++) {
                            sum += tx.weight()[j * tx.count() + t] * xs.getAtIndex(F, inBase + (long) y * w + tx.index()[j * tx.count() + t]);
                        }
                        tmp.setAtIndex(F, (long) y * outW + j, sum);
                    }
                }
                for (int i = 0; i < outH; i++) {
                    for (int t = 0; t < ty.count(); t++) {
                        float wt = ty.weight()[i * ty.count() + t];
                        if (wt != 0f) kernels.axpy(wt, tmp, (long) ty.index()[i * ty.count() + t] * outW, ys, outBase + (long) i * outW, outW);
                    }
                }
            }
        });
        return out;
    }

    /** Keys' cubic convolution kernel with parameter a. */
    private static double cubic(double x, double a) {
        double ax = Math.abs(x);
        if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
        if (ax < 2) return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
        return 0;
    }
}
