package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

/** DDIM with η (Song et al. 2021, eq. 12 and 16) against the formula in double precision. */
class DdimEtaTest {
    private static final int N = 64;
    private static final float C = 0.3f; // the "network": ε̂ = C·x_t
    private final Backend backend = new CpuBackend();

    /** Fixed draws, kept to replay in the reference: x_T first, then one per step. */
    private static final class Draws implements NoiseSource {
        final Random random = new Random(7);
        final List<float[]> drawn = new ArrayList<>();

        @Override
        public Tensor next(String stage, long... shape) {
            float[] z = new float[N];
            for (int j = 0; j < N; j++) z[j] = (float) random.nextGaussian();
            drawn.add(z);
            return Tensor.of(z.clone(), shape);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.35, 1.0})
    void stepsFollowTheFormula(double eta) {
        DiffusionSchedule schedule = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "ddim10");
        GaussianDiffusion diffusion = new GaussianDiffusion(backend, schedule, GaussianDiffusion.ModelMean.EPSILON,
                GaussianDiffusion.ModelVariance.FIXED_SMALL, false, Float.NaN, true, eta);
        Draws draws = new Draws();
        float[] got = diffusion.sample(GaussianDiffusion.IntDenoiserSelector.always((x, t) -> backend.affine(x, C, 0f)),
                new long[] {1, N}, draws, "prior", StepListener.NONE).toFloatArray();

        double[] x = new double[N];
        for (int j = 0; j < N; j++) x[j] = draws.drawn.get(0)[j];
        double[] ab = schedule.alphasCumprod(), abPrev = schedule.alphasCumprodPrev();
        for (int k = 0, steps = ab.length; k < steps; k++) {
            int i = steps - 1 - k;
            double sigma = eta * Math.sqrt((1 - abPrev[i]) / (1 - ab[i])) * Math.sqrt(1 - ab[i] / abPrev[i]);
            for (int j = 0; j < N; j++) {
                double eps = C * x[j];
                double x0 = (x[j] - Math.sqrt(1 - ab[i]) * eps) / Math.sqrt(ab[i]);
                double epsFromX0 = (x[j] / Math.sqrt(ab[i]) - x0) / Math.sqrt(1 / ab[i] - 1);
                x[j] = Math.sqrt(abPrev[i]) * x0 + Math.sqrt(1 - abPrev[i] - sigma * sigma) * epsFromX0 + sigma * draws.drawn.get(k + 1)[j];
            }
        }
        double err = 0, norm = 0;
        for (int j = 0; j < N; j++) {
            err += (got[j] - x[j]) * (got[j] - x[j]);
            norm += x[j] * x[j];
        }
        assertTrue(Math.sqrt(err / norm) < 1e-5, "relative L2 error " + Math.sqrt(err / norm) + " at eta " + eta);
        assertEquals(11, draws.drawn.size(), "x_T and one draw per step, consumed whatever eta");
    }

    /** η = 0 is Karlo's DDIM, bit for bit: the constructor without η. */
    @Test
    void zeroIsKarlosDdim() {
        DiffusionSchedule schedule = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "ddim10");
        float[][] out = new float[2][];
        for (int v = 0; v < 2; v++) {
            GaussianDiffusion d = v == 0
                    ? new GaussianDiffusion(backend, schedule, GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL, false, Float.NaN, true)
                    : new GaussianDiffusion(backend, schedule, GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL, false, Float.NaN, true, 0.0);
            out[v] = d.sample(GaussianDiffusion.IntDenoiserSelector.always((x, t) -> backend.affine(x, C, 0f)), new long[] {1, N}, new Draws(), "prior",
                    StepListener.NONE).toFloatArray();
        }
        assertArrayEquals(out[0], out[1]);
    }

    /** Steps that add noise report its variance (σ², as the trace's sigma shows it); deterministic ones none. */
    @Test
    void noisyStepsReportTheirVariance() {
        DiffusionSchedule schedule = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "ddim10");
        double[] ab = schedule.alphasCumprod(), abPrev = schedule.alphasCumprodPrev();
        for (double eta : new double[] {0.0, 0.5}) {
            List<StepEvent> events = new ArrayList<>();
            new GaussianDiffusion(backend, schedule, GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL, false, Float.NaN,
                    true, eta).sample(GaussianDiffusion.IntDenoiserSelector.always((x, t) -> backend.affine(x, C, 0f)), new long[] {1, N}, new Draws(),
                    "prior", events::add);
            for (StepEvent e : events) {
                int i = e.index();
                double sigma = eta * Math.sqrt((1 - abPrev[i]) / (1 - ab[i])) * Math.sqrt(1 - ab[i] / abPrev[i]);
                if (sigma == 0) {
                    assertEquals(null, e.logVariance(), "step " + e.step());
                } else {
                    assertEquals(Math.log(sigma * sigma), e.logVariance().toFloatArray()[0], 1e-5, "step " + e.step());
                }
            }
            assertEquals(eta == 0 ? 10 : 1, events.stream().filter(e -> e.logVariance() == null).count());
        }
    }

    @Test
    void etaOutsideZeroToOneIsRefused() {
        DiffusionSchedule schedule = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "ddim10");
        for (double eta : new double[] {-0.1, 1.01, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GaussianDiffusion(backend, schedule,
                    GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL, false, Float.NaN, true, eta));
            assertEquals("DDIM's eta must be between 0 and 1, got " + eta, e.getMessage());
        }
    }
}
