package unclip4j.parity;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.model.unet.ImprovedSupRes64to256;
import unclip4j.model.unet.SuperResUNetModel;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;
import unclip4j.testing.TensorAssertions;

/**
 * One forward of each SR network against Karlo: sr-tiny.ckpt and sr_forward.safetensors of the
 * karlo-tiny fixtures (MANIFEST.md, "sr_forward.safetensors" and conventions 8, 12; tolerance 1e-4
 * relative L2). The low-resolution input is the fixture's resized {@code low_res}, so no resize is involved.
 */
class SrForwardParityTest {

    /** The oracle, the CPU backend as configured, and each of its 3×3 conv algorithms forced everywhere. */
    static Stream<Named<Backend>> backends() {
        return Stream.of(new ReferenceOps(), new CpuBackend(), new CpuBackend(true, ConvAlgorithm.IM2COL),
                new CpuBackend(true, ConvAlgorithm.WINOGRAD_F2), new CpuBackend(true, ConvAlgorithm.WINOGRAD_F4))
                .map(b -> Named.of(b.name(), b));
    }

    /** The tiny SR of MANIFEST.md's Configuration table (sr.yaml): channels 32, depth 1, channels_multiple [1, 1]. */
    static ImprovedSupRes64to256 tinySr(Backend backend, Weights w) {
        return new ImprovedSupRes64to256(backend, w, 32, 1, new int[] {1, 1});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputsMatchKarlo(Backend backend) {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("sr-tiny.ckpt")), DType.F32);
        ImprovedSupRes64to256 sr = tinySr(backend, w);
        w.finish("ImprovedSupRes64to256 (karlo-tiny SR)");

        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("sr_forward.safetensors"));
        Tensor xT = backend.upload(f.get("x_t")), t = backend.upload(f.get("timesteps"));
        Tensor lowRes = backend.upload(f.get("low_res"));
        check(backend, "output_first", sr.modelForStep(1), xT, t, lowRes, f); // model_first_steps
        check(backend, "output_last", sr.modelForStep(0), xT, t, lowRes, f);  // model_last_step
    }

    private static void check(Backend backend, String name, SuperResUNetModel model, Tensor xT, Tensor t, Tensor lowRes,
                              SafetensorsFile f) {
        Tensor out = model.forward(xT, t, lowRes);
        double err = TensorAssertions.assertRelL2(f.get(name), backend.download(out), 1e-4, "sr_forward." + name);
        System.out.printf("sr_forward.%s [%s] relL2 %.3g%n", name, backend.name(), err);
    }
}
