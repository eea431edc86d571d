package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/** The sampler frees each network evaluation's intermediates as it returns, and nothing it still needs. */
class GaussianDiffusionScopeTest {

    @Test
    void eachEvaluationsIntermediatesDieWithIt() {
        Backend backend = new CpuBackend();
        List<Tensor> intermediates = new ArrayList<>();
        GaussianDiffusion.Denoiser network = (x, t) -> {
            Tensor h = backend.affine(x, 0.5f, 0f);  // an activation the network drops
            intermediates.add(h);
            return backend.concat(1, backend.affine(h, 2f, 0.1f), backend.affine(x, 0f, 0f)); // ε̂ and v
        };
        GaussianDiffusion diffusion = new GaussianDiffusion(backend, DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "4"),
                GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.LEARNED_RANGE, true, Float.NaN, false);
        NoiseSource noise = new SeededNoise(backend, 7);
        Tensor scoped = diffusion.sample(GaussianDiffusion.IntDenoiserSelector.always(network), new long[] {2, 3, 4, 4}, noise, "decoder", StepListener.NONE);

        assertNull(TensorScope.current());
        assertEquals(4, intermediates.size());
        for (Tensor h : intermediates) assertThrows(IllegalStateException.class, () -> h.getFloat(0, 0, 0, 0));

        // the same run with every evaluation's memory left to the garbage collector: the same numbers
        GaussianDiffusion.Denoiser unscoped = (x, t) -> TensorScope.outside(() -> network.predict(x, t));
        Tensor plain = diffusion.sample(GaussianDiffusion.IntDenoiserSelector.always(unscoped), new long[] {2, 3, 4, 4},
                new SeededNoise(backend, 7), "decoder", StepListener.NONE);
        assertArrayEquals(plain.toFloatArray(), scoped.toFloatArray());
    }
}
