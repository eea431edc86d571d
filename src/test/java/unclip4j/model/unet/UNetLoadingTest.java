package unclip4j.model.unet;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.DType;
import unclip4j.testing.Fixtures;

/** Strict loading names the keys a wrong hyper-parameter breaks; the SR picks its network by step. */
class UNetLoadingTest {
    private final Backend backend = new ReferenceOps();

    @Test
    void wrongHyperParametersAreReportedByKey() {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("decoder-tiny.ckpt")), DType.F32);
        // learn_sigma false and no attention: out.2 mis-shaped, every attention key unexpected
        new PLMImUNet(backend, w.at("model"), 32, new int[] {1, 2}, 1, Set.of(), 16, 64, 64, 2, true, false, 0.1);
        CheckpointException e = assertThrows(CheckpointException.class, () -> w.finish("PLMImUNet"));
        assertTrue(e.getMessage().contains("shape    model.out.2.weight   checkpoint [6, 32, 3, 3]  model [3, 32, 3, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected model.input_blocks.3.1.qkv.weight"), e.getMessage());
    }

    @Test
    void lastStepNetworkRunsOnlyAtIndexZero() {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("sr-tiny.ckpt")), DType.F32);
        ImprovedSupRes64to256 sr = new ImprovedSupRes64to256(backend, w, 32, 1, new int[] {1, 1});
        w.finish("ImprovedSupRes64to256");
        assertNotSame(sr.modelForStep(1), sr.modelForStep(0));
        for (int i = 2; i < 7; i++) assertSame(sr.modelForStep(1), sr.modelForStep(i));
    }
}
