package unclip4j.parity;

import static unclip4j.testing.TensorAssertions.assertRelL2;
import static unclip4j.testing.TensorAssertions.assertSameValues;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.image.Images;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.pipeline.ImageVariation;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextToImage;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code t2i} and {@code i2i}: whole pipelines from the fixture model with every draw replayed. */
class PipelineParityTest {
    private final Backend backend = new CpuBackend();
    private final StageLoader loader = new StageLoader(Fixtures.modelDirectory(), backend);

    private PromptEncoder prompts() {
        return new PromptEncoder(backend, loader.clipText(), 77);
    }

    @Test
    void textToImageMatchesKarlo() {
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("t2i.safetensors"));
        TextToImage t2i = new TextToImage(backend, prompts(), loader.prior(), loader.decoder(), loader.superRes());
        SamplingSettings s = new SamplingSettings("25", "25", "7", f.get("prior_guidance").getFloat(0), f.get("decoder_guidance").getFloat(0));

        TextToImage.Result r = t2i.run(List.of(f.metadata().get("prompt")), s, new ReplayNoise(Fixtures.file("t2i.safetensors"), backend), e -> {});

        assertSameValues(f.get("tokens"), r.text().tokens().tokensTensor());
        assertRelL2(f.get("txt_feat"), backend.download(r.text().text().txtFeat()), 1e-4, "t2i.txt_feat");
        assertRelL2(f.get("image_embedding"), r.imageEmbedding(), 1e-3, "t2i.image_embedding");
        assertRelL2(f.get("image_64"), r.image64(), 1e-3, "t2i.image_64");
        double err = assertRelL2(f.get("image"), r.image(), 1e-3, "t2i.image");
        System.out.printf("t2i: image rel L2 %.3g%n", err);
    }

    @Test
    void imageVariationMatchesKarlo() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("i2i.safetensors"));
        ImageVariation i2i = new ImageVariation(backend, prompts(), loader.clipImage(), ClipImageTransform.karlo(224),
                loader.decoder(), loader.superRes());
        SamplingSettings s = new SamplingSettings("25", "25", "7", 4f, f.get("decoder_guidance").getFloat(0));

        ImageVariation.Result r = i2i.run(Images.read(Fixtures.file("input.png")), 1, s,
                new ReplayNoise(Fixtures.file("i2i.safetensors"), backend), e -> {});

        assertRelL2(f.get("img_feat"), r.imageEmbedding(), 1e-4, "i2i.img_feat");
        assertRelL2(f.get("image_64"), r.decoded().image64(), 1e-3, "i2i.image_64");
        double err = assertRelL2(f.get("image"), r.decoded().image(), 1e-3, "i2i.image");
        System.out.printf("i2i: image rel L2 %.3g%n", err);
    }
}
