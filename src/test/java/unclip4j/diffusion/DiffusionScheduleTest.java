package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.checkpoint.SafetensorsFile;

class DiffusionScheduleTest {
    /** MANIFEST.md "Tolerances": schedules (float64), elementwise relative. */
    private static final double TOLERANCE = 1e-12;

    private static final Map<String, Function<DiffusionSchedule, double[]>> ARRAYS = Map.ofEntries(
            Map.entry("betas", DiffusionSchedule::betas),
            Map.entry("alphas_cumprod", DiffusionSchedule::alphasCumprod),
            Map.entry("alphas_cumprod_prev", DiffusionSchedule::alphasCumprodPrev),
            Map.entry("sqrt_recip_alphas_cumprod", DiffusionSchedule::sqrtRecipAlphasCumprod),
            Map.entry("sqrt_recipm1_alphas_cumprod", DiffusionSchedule::sqrtRecipm1AlphasCumprod),
            Map.entry("posterior_log_variance_clipped", DiffusionSchedule::posteriorLogVarianceClipped),
            Map.entry("posterior_mean_coef1", DiffusionSchedule::posteriorMeanCoef1),
            Map.entry("posterior_mean_coef2", DiffusionSchedule::posteriorMeanCoef2),
            Map.entry("log_betas", DiffusionSchedule::logBetas));

    /** The groups of fixtures/karlo-tiny/schedules.safetensors: key prefix and the respacing it was made with. */
    static Stream<Arguments> fixtureGroups() {
        return Stream.of(
                Arguments.of("1000", "1000"), Arguments.of("25", "25"), Arguments.of("50", "50"), Arguments.of("7", "7"),
                Arguments.of("ddim25", "ddim25"), Arguments.of("fast27", "fast27"), Arguments.of("10_10_3_2_2", "10,10,3,2,2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureGroups")
    void matchesKarloFixture(String group, String respacing) throws URISyntaxException {
        SafetensorsFile fixture = SafetensorsFile.open(
                Path.of(DiffusionScheduleTest.class.getResource("/fixtures/karlo-tiny/schedules.safetensors").toURI()));
        DiffusionSchedule s = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, respacing);
        assertArrayEquals(fixture.get(group + ".timestep_map").toLongArray(), s.timestepMap());
        ARRAYS.forEach((name, array) -> assertClose(group + "." + name, fixture.get(group + "." + name).toDoubleArray(), array.apply(s)));
    }

    @Test
    void specSection81CheckValues() {
        double[] betas = BetaSchedule.SQUAREDCOS_CAP_V2.betas(1000);
        assertEquals(4.1284224822e-05, betas[0], 1e-15);
        assertArrayEquals(new double[] {0.35999534, 0.43749681, 0.55555376, 0.74999939, 0.999},
                Arrays.copyOfRange(betas, 995, 1000), 1e-8);
        assertEquals(0.999, betas[999]); // only the last one hits the cap
        assertTrue(betas[998] < 0.999);
        double[] ac = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "1000").alphasCumprod();
        assertEquals(0.9999587158, ac[0], 1e-10);
        assertEquals(2.4287669e-09, ac[999], 1e-16);
    }

    @Test
    void specSection82CheckValuesForSeven() {
        DiffusionSchedule s = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "7");
        assertArrayEquals(new long[] {0, 166, 333, 500, 666, 832, 999}, s.timestepMap());
        assertArrayEquals(new double[] {4.1284e-05, 0.072361610, 0.20011354, 0.33652032, 0.50028851, 0.73081147, 0.99999996},
                s.betas(), 1e-8);
        assertArrayEquals(new double[] {-10.0955592, -10.0955592, -2.87972278, -1.76595924, -1.08804203, -0.52744843, -0.06851502},
                s.posteriorLogVarianceClipped(), 1e-7);
        assertArrayEquals(new double[] {1, 0.99945041, 0.74695539, 0.57093413, 0.46554094, 0.38817636, 0.25733349},
                s.posteriorMeanCoef1(), 1e-8);
        assertArrayEquals(new double[] {0, 5.4920626e-04, 0.25095161, 0.41395789, 0.47600169, 0.41894304, 1.7883022e-04},
                s.posteriorMeanCoef2(), 1e-8);
    }

    @Test
    void linearScheduleIsNumpyLinspace() {
        double[] betas = BetaSchedule.LINEAR.betas(1000);
        assertEquals(1e-4, betas[0]);
        assertEquals(0.02, betas[999]);
        // numpy 2.4's np.linspace(1e-4, 0.02, 1000)[1] and [500], printed with repr(): bit-exact
        assertEquals(0.00011991991991991993, betas[1]);
        assertEquals(0.010059959959959959, betas[500]);
        double[] short4 = BetaSchedule.LINEAR.betas(4); // scale 250: np.linspace(0.025, 5.0, 4)
        assertArrayEquals(new double[] {0.025, 1.6833333333333331, 3.3416666666666663, 5.0}, short4);
    }

    @Test
    void tooShortProcessIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "1"));
        assertTrue(e.getMessage().contains("at least 2 steps"), e.getMessage());
    }

    private static void assertClose(String name, double[] want, double[] got) {
        assertEquals(want.length, got.length, name + " length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (err > TOLERANCE * Math.abs(want[i])) {
                fail(name + "[" + i + "]: got " + got[i] + ", want " + want[i] + ", relative error " + err / Math.abs(want[i]));
            }
        }
    }
}
