package unclip4j.parity;

import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.relL2;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.model.clip.ClipTextEncoder;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code clip_text}: Karlo's encode_text on the four tokenizer prompts, with ViT-tiny.pt. */
class ClipTextParityTest {
    private static final SafetensorsFile CASE = SafetensorsFile.open(Fixtures.file("clip_text.safetensors"));

    @ParameterizedTest
    @MethodSource("unclip4j.testing.Fixtures#backends")
    void encodeTextMatchesKarlo(Backend backend) {
        // the text half of the CLIP state dict: everything outside visual.* but the 0-dim config buffers encode_text does not use
        List<String> unused = List.of("logit_scale", "context_length", "vocab_size", "input_resolution");
        StateDict clip = TorchCheckpoint.read(Fixtures.file("ViT-tiny.pt")).rename(k -> k.startsWith("visual.") || unused.contains(k) ? null : k);
        Weights w = new Weights(clip, DType.F32);
        // MANIFEST Configuration: vocab 49408, context 77, width 64, layers 2, heads 1, embed_dim 64
        ClipTextEncoder encoder = new ClipTextEncoder(backend, w, 49408, 77, 64, 2, 1, 64);
        w.finish("ClipTextEncoder(karlo-tiny)");

        ClipTextEncoder.Encoded out = encoder.encode(CASE.get("tokens"));
        Tensor txtFeat = backend.download(out.txtFeat()), txtFeatSeq = backend.download(out.txtFeatSeq());
        assertRelL2(CASE.get("txt_feat"), txtFeat, 1e-4);
        assertRelL2(CASE.get("txt_feat_seq"), txtFeatSeq, 1e-4);
        System.out.printf("clip_text [%s] txt_feat %.3g  txt_feat_seq %.3g%n", backend.name(),
                relL2(CASE.get("txt_feat"), txtFeat), relL2(CASE.get("txt_feat_seq"), txtFeatSeq));
    }
}
