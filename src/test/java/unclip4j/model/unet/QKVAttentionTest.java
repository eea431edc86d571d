package unclip4j.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TestTensors.randn;

import org.junit.jupiter.api.Test;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

/**
 * The cross-attention weights {@link QKVAttention#encoderWeights} reports, against softmax(q·kᵀ/√ch + mask)
 * computed in double precision from the same head-interleaved projections. (The attention output
 * itself is checked by the decoder's parity tests against the reference.)
 */
class QKVAttentionTest {
    private static final int B = 2, HEADS = 3, CH = 4, T = 6, S = 5, MASKED = 3;

    @Test
    void encoderWeightsAreSampleZerosSoftmaxOnTheEncoderKeysAveragedOverHeads() {
        Tensor qkv = randn(1, B, 3L * HEADS * CH, T), encoderKv = randn(2, B, 2L * HEADS * CH, S);
        float[] maskValues = new float[B * S];
        maskValues[MASKED] = Float.NEGATIVE_INFINITY;                // sample 0, token 3: padding
        Tensor mask = Tensor.of(maskValues, B, S);
        QKVAttention attention = new QKVAttention(new CpuBackend(), HEADS);
        float[] got = attention.encoderWeights(attention.split(qkv, encoderKv, mask));
        assertEquals(T * S, got.length);

        double[] expected = new double[T * S];
        for (int h = 0; h < HEADS; h++) {
            for (int i = 0; i < T; i++) {
                // keys: the S encoder tokens, then the T positions; channel layout per head [q|k|v] and [k|v]
                double[] logits = new double[S + T];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < S + T; j++) {
                    double dot = 0;
                    for (int d = 0; d < CH; d++) {
                        double q = qkv.getFloat(0, 3 * CH * h + d, i);
                        double k = j < S ? encoderKv.getFloat(0, 2 * CH * h + d, j) : qkv.getFloat(0, 3 * CH * h + CH + d, j - S);
                        dot += q * k;
                    }
                    logits[j] = dot / Math.sqrt(CH) + (j < S ? maskValues[j] : 0);
                    max = Math.max(max, logits[j]);
                }
                double sum = 0;
                for (int j = 0; j < S + T; j++) sum += Math.exp(logits[j] - max);
                for (int j = 0; j < S; j++) expected[i * S + j] += Math.exp(logits[j] - max) / sum / HEADS;
            }
        }
        double err = 0, norm = 0;
        for (int p = 0; p < got.length; p++) {
            err += (got[p] - expected[p]) * (got[p] - expected[p]);
            norm += expected[p] * expected[p];
        }
        assertTrue(Math.sqrt(err / norm) <= 1e-5, "relative L2 " + Math.sqrt(err / norm));
        for (int i = 0; i < T; i++) {
            assertEquals(0f, got[i * S + MASKED], "a masked token gets no attention");
            double row = 0;
            for (int j = 0; j < S; j++) row += got[i * S + j];
            assertTrue(row > 0 && row < 1, "the spatial keys get the rest: " + row);
        }
    }
}
