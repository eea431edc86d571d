package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.relL2;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code clip_image}: Karlo's preprocessing of input.png, then the CLIP image encoder of ViT-tiny.pt. */
class ClipImageParityTest {
    private static final SafetensorsFile CASE = SafetensorsFile.open(Fixtures.file("clip_image.safetensors"));

    @Test
    void karloPreprocessingMatchesPillowBitForBit() throws IOException {
        RgbImage input = Images.read(Fixtures.file("input.png"));
        ClipImageTransform transform = ClipImageTransform.karlo(224);
        RgbImage resized = transform.resize(input);
        Tensor hwc = Tensor.ofBytes(resized.rgb(), DType.U8, resized.height(), resized.width(), 3); // as PIL → numpy gives it
        assertArrayEquals(CASE.get("resized_u8").toLongArray(), hwc.toLongArray(), "resized_u8");
        Tensor pixels = transform.apply(input);
        assertRelL2(CASE.get("pixels"), pixels, 1e-6);
        System.out.printf("clip_image pixels %.3g%n", relL2(CASE.get("pixels"), pixels));
    }

    @ParameterizedTest
    @MethodSource("unclip4j.testing.Fixtures#backends")
    void encodeImageMatchesKarlo(Backend backend) {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("ViT-tiny.pt")).stripPrefix("visual."), DType.F32);
        // MANIFEST Configuration: resolution 224, patch 14, width 64, layers 2, heads 1, output_dim 64
        VisionTransformer visual = new VisionTransformer(backend, w, 224, 14, 64, 2, 1, 64);
        w.finish("VisionTransformer(karlo-tiny)");

        Tensor imgFeat = backend.download(visual.forward(CASE.get("pixels")));
        assertRelL2(CASE.get("img_feat"), imgFeat, 1e-4);
        System.out.printf("clip_image [%s] img_feat %.3g%n", backend.name(), relL2(CASE.get("img_feat"), imgFeat));
    }
}
