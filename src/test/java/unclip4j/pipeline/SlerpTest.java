package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import unclip4j.tensor.Tensor;

class SlerpTest {
    private static final Tensor A = Tensor.of(new float[] {3f, 0f, 0f}, 1, 3);
    private static final Tensor B = Tensor.of(new float[] {0f, 3f, 0f}, 1, 3);

    @Test
    void endpointsAreExact() {
        Tensor a = Tensor.of(new float[] {0.3f, -1.7f, 2.9f}, 1, 3), b = Tensor.of(new float[] {1.1f, 0.4f, -0.2f}, 1, 3);
        assertArrayEquals(a.toFloatArray(), Slerp.slerp(a, b, 0).toFloatArray());
        assertArrayEquals(b.toFloatArray(), Slerp.slerp(a, b, 1).toFloatArray());
    }

    @Test
    void followsTheGreatCircle() {
        // a quarter circle of radius 3: θ = 1/3 is 30° from A
        Tensor m = Slerp.slerp(A, B, 1.0 / 3);
        assertArrayEquals(new float[] {(float) (3 * Math.cos(Math.PI / 6)), (float) (3 * Math.sin(Math.PI / 6)), 0f}, m.toFloatArray(), 1e-6f);
        assertEquals(3.0, Slerp.norm(Slerp.slerp(A, B, 0.5)), 1e-6);
        assertArrayEquals(new long[] {1, 3}, m.shape());
    }

    @Test
    void parallelVectorsInterpolateLinearlyAndOppositeOnesAreRefused() {
        Tensor twice = Slerp.scale(A, 2);
        assertArrayEquals(new float[] {4.5f, 0f, 0f}, Slerp.slerp(A, twice, 0.5).toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Slerp.slerp(A, Slerp.scale(A, -1), 0.5));
    }

    @Test
    void textDiffDirectionIsUnitAndTheEditKeepsTheNorm() {
        Tensor d = TextDiff.direction(B, A);
        assertEquals(1.0, Slerp.norm(d), 1e-6);
        Tensor zi = Tensor.of(new float[] {0f, 0f, 5f}, 1, 3);
        assertArrayEquals(zi.toFloatArray(), TextDiff.edit(zi, d, 0).toFloatArray());
        assertEquals(5.0, Slerp.norm(TextDiff.edit(zi, d, 0.4)), 1e-5);
        // θ = 1 lands on the direction itself, scaled to |z_i|
        assertArrayEquals(Slerp.scale(d, 5).toFloatArray(), TextDiff.edit(zi, d, 1).toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> TextDiff.direction(A, A));
    }

    @Test
    void interpolationFractionsAreEvenAndIncludeTheEnds() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Interpolation.fractions(5));
        assertThrows(IllegalArgumentException.class, () -> Interpolation.fractions(1));
    }
}
