package unclip4j.parity;

import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.relL2;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.model.prior.PriorTransformer;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code prior_forward}: one PriorTransformer forward with prior-tiny.ckpt and with its F16 copy. */
class PriorForwardParityTest {
    private static final SafetensorsFile CASE = SafetensorsFile.open(Fixtures.file("prior_forward.safetensors"));

    private static Tensor forward(Backend backend, String checkpoint) {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file(checkpoint)).stripPrefix("model."), DType.F32);
        // MANIFEST Configuration: text_ctx 77, xf_width 64, xf_layers 2, xf_heads 4, clip_dim 64, xf_final_ln true
        PriorTransformer prior = new PriorTransformer(backend, w, 77, 64, 2, 4, 64, true);
        w.finish("PriorTransformer(karlo-tiny)");
        Tensor out = prior.forward(backend.upload(CASE.get("x_t")), CASE.get("timesteps"), backend.upload(CASE.get("text_emb")),
                backend.upload(CASE.get("text_enc")), CASE.get("mask"), null);
        return backend.download(out);
    }

    @ParameterizedTest
    @MethodSource("unclip4j.testing.Fixtures#backends")
    void forwardMatchesKarlo(Backend backend) {
        Tensor out = forward(backend, "prior-tiny.ckpt");
        assertRelL2(CASE.get("output"), out, 1e-4);
        System.out.printf("prior_forward [%s] output %.3g%n", backend.name(), relL2(CASE.get("output"), out));
    }

    /** The F16 checkpoint's weights are widened to F32; ignoring the stored dtype would miss this by 6.4e-4. */
    @ParameterizedTest
    @MethodSource("unclip4j.testing.Fixtures#backends")
    void forwardWithF16WeightsMatchesKarlo(Backend backend) {
        Tensor out = forward(backend, "prior-tiny-fp16.ckpt");
        assertRelL2(CASE.get("output_fp16_ckpt"), out, 1e-4);
        System.out.printf("prior_forward [%s] output_fp16_ckpt %.3g%n", backend.name(), relL2(CASE.get("output_fp16_ckpt"), out));
    }
}
