package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

class SeededNoiseTest {
    private final Backend cpu = new CpuBackend();

    /** Row r of a draw for several pictures. */
    private static float[] row(Tensor draw, int r) {
        return draw.select(0, r).toFloatArray();
    }

    @Test
    void pictureDrawsWhatItsOwnSeedDrawsAlone() {
        int pictures = 3, n = 7; // 7: rows that end inside a Philox block
        SeededNoise batch = new SeededNoise(cpu, 40, pictures);
        SeededNoise[] alone = new SeededNoise[pictures];
        for (int p = 0; p < pictures; p++) alone[p] = new SeededNoise(cpu, 40 + p);
        // a guided stage (2 rows per picture, as cat([x, x])), then an unguided one, then the guided one again
        String[] stages = {"decoder", "decoder", "sr", "decoder"};
        int[] rowsPerPicture = {2, 2, 1, 2};
        for (int d = 0; d < stages.length; d++) {
            int k = rowsPerPicture[d];
            Tensor all = batch.next(stages[d], (long) k * pictures, n);
            for (int p = 0; p < pictures; p++) {
                Tensor own = alone[p].next(stages[d], k, n);
                for (int q = 0; q < k; q++) assertArrayEquals(row(own, q), row(all, q * pictures + p), "draw " + d + " picture " + p + " row " + q);
            }
        }
    }

    @Test
    void aPicturesRowsFollowEachOtherInItsStream() {
        Tensor draw = new SeededNoise(cpu, 9, 2).next("prior", 6, 5);
        Tensor stream1 = cpu.randn(10, 0, 3, 5); // picture 1: seed 9 + 1, the prior's stream starts at 0
        for (int q = 0; q < 3; q++) assertArrayEquals(row(stream1, q), row(draw, 2 * q + 1));
    }

    @Test
    void eachStageHasItsOwnStream() {
        SeededNoise whole = new SeededNoise(cpu, 5, 2), decoderOnly = new SeededNoise(cpu, 5, 2);
        whole.next("prior", 4, 16);
        whole.next("prior", 4, 16);
        // the decoder's first draw does not depend on what the prior drew before it
        assertArrayEquals(decoderOnly.next("decoder", 4, 3, 2, 2).toFloatArray(), whole.next("decoder", 4, 3, 2, 2).toFloatArray());
        assertArrayEquals(cpu.randn(5, SeededNoise.stageBase("sr"), 1, 12).toFloatArray(),
                row(new SeededNoise(cpu, 5, 2).next("sr", 2, 12), 0));
        assertTrue(SeededNoise.stageBase("sr") > SeededNoise.stageBase("decoder"));
    }

    @Test
    void stagesCanDrawForDifferentNumbersOfPictures() {
        // an interpolation: the prior samples two endpoints, the frames share one decoder noise
        SeededNoise mixed = new SeededNoise(cpu, 7, stage -> stage.equals("prior") ? 2 : 1);
        assertArrayEquals(new SeededNoise(cpu, 7, 2).next("prior", 4, 8).toFloatArray(), mixed.next("prior", 4, 8).toFloatArray());
        assertArrayEquals(new SeededNoise(cpu, 7, 1).next("decoder", 2, 8).toFloatArray(), mixed.next("decoder", 2, 8).toFloatArray());
    }

    @Test
    void successiveDrawsDiffer() {
        SeededNoise noise = new SeededNoise(cpu, 1, 2);
        float[] first = noise.next("decoder", 2, 8).toFloatArray(), second = noise.next("decoder", 2, 8).toFloatArray();
        assertTrue(!Arrays.equals(first, second));
        assertTrue(!Arrays.equals(Arrays.copyOfRange(first, 0, 8), Arrays.copyOfRange(first, 8, 16)), "two pictures, two streams");
    }

    @Test
    void refusesDrawsThatDoNotSplitIntoPictures() {
        SeededNoise noise = new SeededNoise(cpu, 1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> noise.next("decoder", 4, 8));
        assertTrue(e.getMessage().contains("3 pictures"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> noise.next("vae", 3, 8));
        assertThrows(IllegalArgumentException.class, () -> new SeededNoise(cpu, 1, 0).next("prior", 2, 4));
        assertEquals(0, new SeededNoise(cpu, 1, 1).next("prior", 0, 4).numel());
        assertEquals(0, new SeededNoise(cpu, 1, 3).next("prior", 0, 4).numel());
    }
}
