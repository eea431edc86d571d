package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import unclip4j.tensor.Tensor;

class ClipSimilarityTest {
    @Test
    void cosineOfEveryRowWithEveryColumnIgnoringLength() {
        Tensor rows = Tensor.of(new float[] {3, 4, 0, /**/ 0, 0, 2}, 2, 3);
        Tensor cols = Tensor.of(new float[] {6, 8, 0, /**/ -3, -4, 0, /**/ 1, 0, 1}, 3, 3);
        double[][] cos = ClipSimilarity.cosine(rows, cols);
        assertEquals(1.0, cos[0][0], 1e-12);
        assertEquals(-1.0, cos[0][1], 1e-12);
        assertEquals(0.6 / Math.sqrt(2), cos[0][2], 1e-12);
        assertEquals(0.0, cos[1][0], 1e-12);
        assertEquals(1 / Math.sqrt(2), cos[1][2], 1e-12);
    }

    @Test
    void zeroEmbeddingGivesNaNAndShapesMustAgree() {
        assertTrue(Double.isNaN(ClipSimilarity.cosine(Tensor.of(new float[] {0, 0}, 1, 2), Tensor.of(new float[] {1, 0}, 1, 2))[0][0]));
        assertThrows(IllegalArgumentException.class,
                () -> ClipSimilarity.cosine(Tensor.of(new float[] {1, 0}, 1, 2), Tensor.of(new float[] {1, 0, 0}, 1, 3)));
    }
}
