package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.relL2;

import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/**
 * {@code --dtype f16|bf16}: every stage built with its weights kept in half precision still matches
 * the reference's float32 forwards within 1e-2 relative L2 (the half-precision bound of the CUDA
 * issue), and differs from the F32-weight forward (so the weights really were rounded).
 */
class HalfPrecisionWeightsTest {
    private static final double HALF_TOLERANCE = 1e-2;
    private final Backend backend = new CpuBackend();

    private void check(DType storage, String fixture, String expected, Function<StageLoader, Tensor> forward) {
        Tensor half = backend.download(forward.apply(new StageLoader(Fixtures.modelDirectory(), backend, storage)));
        Tensor full = backend.download(forward.apply(new StageLoader(Fixtures.modelDirectory(), backend, DType.F32)));
        Tensor reference = SafetensorsFile.open(Fixtures.file(fixture)).get(expected);
        double err = assertRelL2(reference, half, HALF_TOLERANCE, fixture + " " + expected + " with " + storage + " weights");
        assertTrue(relL2(full, half) > 0, storage + " weights gave the F32 result bit for bit: not rounded?");
        System.out.printf("%s %s with %s weights: rel L2 %.3g%n", fixture, expected, storage, err);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"}, mode = Mode.INCLUDE)
    void everyStageForward(DType storage) {
        SafetensorsFile text = SafetensorsFile.open(Fixtures.file("clip_text.safetensors"));
        check(storage, "clip_text.safetensors", "txt_feat", l -> l.clipText().encode(text.get("tokens")).txtFeat());

        SafetensorsFile p = SafetensorsFile.open(Fixtures.file("prior_forward.safetensors"));
        check(storage, "prior_forward.safetensors", "output", l -> l.prior().transformer().forward(
                p.get("x_t"), p.get("timesteps"), p.get("text_emb"), p.get("text_enc"), p.get("mask"), null));

        SafetensorsFile d = SafetensorsFile.open(Fixtures.file("decoder_forward.safetensors"));
        check(storage, "decoder_forward.safetensors", "output", l -> l.decoder().unet().forward(
                d.get("x_t"), d.get("timesteps"), d.get("y"), d.get("txt_feat"), d.get("txt_feat_seq"), d.get("mask"), null));

        SafetensorsFile s = SafetensorsFile.open(Fixtures.file("sr_forward.safetensors"));
        check(storage, "sr_forward.safetensors", "output_last", l -> l.superRes().networks().modelForStep(0).forward(
                s.get("x_t"), s.get("timesteps"), s.get("low_res")));
    }
}
