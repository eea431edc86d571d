package unclip4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.tensor.Tensor;

/** Philox4x32-10 and the randn built on it. */
class PhiloxTest {
    private final Backend ref = new ReferenceOps();
    private final Backend cpu = new CpuBackend();

    /** Random123's published known-answer vectors (tests/kat_vectors, philox4x32 10 rounds). */
    @Test
    void knownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, Philox.block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void firstElementFollowsTheDefinition() {
        // seed 0, g = 0: block 0 → u0 = 0x6627e8d5, u1 = 0xe169c58d; z0 = √(−2 ln u0')·cos(2π u1')
        double u0 = (0x6627e8d5L + 1) * 0x1p-32, u1 = (0xe169c58dL + 1) * 0x1p-32;
        double[] cosSin = new double[2];
        PortableMath.cosSin(2 * Math.PI * u1, cosSin, 0);
        float z0 = (float) (Math.sqrt(-2 * PortableMath.log(u0)) * cosSin[0]);
        assertEquals(z0, Philox.normal(0, 0));
        float libm = (float) (StrictMath.sqrt(-2 * StrictMath.log(u0)) * StrictMath.cos(2 * Math.PI * u1));
        assertEquals(libm, z0, Math.ulp(libm), "the portable log and cos agree with fdlibm's to the float");
        assertEquals(z0, ref.randn(0, 0, 1).getFloat(0));
    }

    @Test
    void millionDrawsAreStandardNormal() {
        int n = 1_000_000;
        double[] z = cpu.randn(20260101L, 0, n).toDoubleArray();
        double mean = Arrays.stream(z).average().orElseThrow();
        double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        // standard errors: 1/√n = 0.001 for the mean, √(2/n) = 0.0014 for the variance; allow 5σ
        assertEquals(0, mean, 0.005);
        assertEquals(1, var, 0.007);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), z);
        assertTrue(p > 1e-3, "KS p-value " + p);
    }

    @Test
    void sameSeedAndOffsetGiveSameNumbers() {
        assertArrayEquals(cpu.randn(7, 3, 100).toFloatArray(), cpu.randn(7, 3, 100).toFloatArray());
        assertNotEquals(Arrays.toString(cpu.randn(7, 0, 8).toFloatArray()), Arrays.toString(cpu.randn(8, 0, 8).toFloatArray()));
    }

    @Test
    void offsetShiftsTheStream() {
        int n = 1001;
        float[] shifted = cpu.randn(99, 4, n).toFloatArray();
        float[] longer = cpu.randn(99, 0, n + 4).toFloatArray();
        assertArrayEquals(Arrays.copyOfRange(longer, 4, n + 4), shifted);
        // an offset that is not a multiple of 4 starts inside a Philox block
        assertArrayEquals(Arrays.copyOfRange(longer, 3, n + 3), cpu.randn(99, 3, n).toFloatArray());
    }

    @Test
    void cpuBackendMatchesReferenceExactly() {
        Tensor a = ref.randn(123456789L, 5, 3, 7, 33), b = cpu.randn(123456789L, 5, 3, 7, 33);
        assertArrayEquals(a.shape(), b.shape());
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        // large enough to be split across threads
        assertArrayEquals(ref.randn(-1L, 1L << 33, 40_000).toFloatArray(), cpu.randn(-1L, 1L << 33, 40_000).toFloatArray());
    }
}
