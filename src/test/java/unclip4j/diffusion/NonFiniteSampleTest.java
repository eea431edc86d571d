package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.tensor.Tensor;

/** A sample that diverges to NaN stops the run naming its stage; a noise file holding NaN is refused naming the draw. */
class NonFiniteSampleTest {
    private final Backend backend = new CpuBackend();

    @TempDir
    Path tmp;

    private GaussianDiffusion diffusion() {
        return new GaussianDiffusion(backend, DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "4"),
                GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL, true, Float.NaN, false);
    }

    @Test
    void aNanInTheNetworksOutputIsNamedAtTheEndOfTheStage() {
        // ε̂ = x, except one element that is NaN: it stays NaN through every step, the rest stays finite
        GaussianDiffusion.Denoiser network = (x, t) -> {
            Tensor eps = backend.download(backend.affine(x, 1f, 0f));
            eps.setDouble(Double.NaN, 1, 2, 3, 0);
            return backend.upload(eps);
        };
        NonFiniteSampleException e = assertThrows(NonFiniteSampleException.class, () -> diffusion().sample(
                GaussianDiffusion.IntDenoiserSelector.always(network), new long[] {2, 3, 4, 4}, new SeededNoise(backend, 1), "decoder",
                StepListener.NONE));
        assertTrue(e.getMessage().startsWith("decoder: 1 of 96 values of the sample are NaN or infinite after 4 steps"), e.getMessage());
    }

    @Test
    void aFiniteNetworkSamplesAsBefore() {
        Tensor x = diffusion().sample(GaussianDiffusion.IntDenoiserSelector.always((xt, t) -> backend.affine(xt, 0.5f, 0f)),
                new long[] {1, 3, 4, 4}, new SeededNoise(backend, 1), "decoder", StepListener.NONE);
        for (float v : x.toFloatArray()) assertTrue(Float.isFinite(v));
    }

    @Test
    void aNoiseFileHoldingNanIsRefusedNamingTheDraw() {
        StateDict draws = new StateDict("noise");
        draws.put(NoiseSource.drawName("decoder", 0), Tensor.of(new float[] {0.5f, 1f}, 1, 2));
        draws.put(NoiseSource.drawName("decoder", 1), Tensor.of(new float[] {0.5f, Float.NaN}, 1, 2));
        Path file = tmp.resolve("noise.safetensors");
        SafetensorsWriter.write(file, draws, Map.of());
        ReplayNoise replay = new ReplayNoise(file, backend);
        replay.requireDraws("decoder", 1, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> replay.requireDraws("decoder", 2, 1, 2));
        assertEquals(file + ": " + NoiseSource.drawName("decoder", 1) + " holds NaN at element 1", e.getMessage());
    }
}
