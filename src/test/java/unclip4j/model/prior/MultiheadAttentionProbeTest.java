package unclip4j.model.prior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TestTensors.randn;

import org.junit.jupiter.api.Test;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * The prior's attention probe: the weights of sample 0's last query (the token the prediction is read
 * from), averaged over heads, against softmax(q·kᵀ/√D + mask) computed in double precision from the
 * head-interleaved c_qkv projection of the same input.
 */
class MultiheadAttentionProbeTest {
    private static final int B = 2, T = 7, WIDTH = 12, HEADS = 3, D = WIDTH / HEADS, MASKED = 2;

    @Test
    void lastQueryWeightsAreSampleZerosSoftmaxAveragedOverHeads() {
        StateDict sd = new StateDict("test");
        Tensor wQkv = randn(1, 3 * WIDTH, WIDTH), bQkv = randn(2, 3 * WIDTH);
        sd.put("blocks.0.attn.c_qkv.weight", wQkv);
        sd.put("blocks.0.attn.c_qkv.bias", bQkv);
        sd.put("blocks.0.attn.c_proj.weight", randn(3, WIDTH, WIDTH));
        sd.put("blocks.0.attn.c_proj.bias", randn(4, WIDTH));
        MultiheadAttention attention = new MultiheadAttention(new CpuBackend(), new Weights(sd, DType.F32).at("blocks.0.attn"), WIDTH, HEADS);
        Tensor x = randn(5, B, T, WIDTH);
        float[] mask = new float[B * T];
        mask[MASKED] = Float.NEGATIVE_INFINITY; // sample 0, token 2: padding
        String[] module = new String[1];
        float[][] got = new float[1][];
        attention.forward(x, Tensor.of(mask, B, T), (name, height, width, weights) -> {
            module[0] = name;
            assertEquals(1, height * width, "one query: the read token");
            got[0] = weights;
        });
        assertEquals("blocks.0.attn", module[0]);

        // qkv = x·Wᵀ + b for sample 0; head h owns channels [3D·h, 3D·(h+1)) as q | k | v
        double[][] qkv = new double[T][3 * WIDTH];
        for (int i = 0; i < T; i++) {
            for (int o = 0; o < 3 * WIDTH; o++) {
                double acc = bQkv.getFloat(o);
                for (int c = 0; c < WIDTH; c++) acc += (double) x.getFloat(0, i, c) * wQkv.getFloat(o, c);
                qkv[i][o] = acc;
            }
        }
        double[] expected = new double[T];
        for (int h = 0; h < HEADS; h++) {
            double[] logits = new double[T];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < T; j++) {
                double dot = 0;
                for (int d = 0; d < D; d++) dot += qkv[T - 1][3 * D * h + d] * qkv[j][3 * D * h + D + d];
                logits[j] = dot / Math.sqrt(D) + mask[j];
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = 0; j < T; j++) sum += Math.exp(logits[j] - max);
            for (int j = 0; j < T; j++) expected[j] += Math.exp(logits[j] - max) / sum / HEADS;
        }
        double err = 0, norm = 0, total = 0;
        for (int j = 0; j < T; j++) {
            err += (got[0][j] - expected[j]) * (got[0][j] - expected[j]);
            norm += expected[j] * expected[j];
            total += got[0][j];
        }
        assertTrue(Math.sqrt(err / norm) <= 1e-5, "relative L2 " + Math.sqrt(err / norm));
        assertEquals(0f, got[0][MASKED], "a padding token gets no attention");
        assertEquals(1.0, total, 1e-5, "the last query sees every key");
    }
}
