package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.diffusion.SeededNoise;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.tensor.Tensor;
import unclip4j.testing.DeviceLikeBackend;
import unclip4j.testing.Fixtures;

/**
 * Every pipeline on a backend whose tensors are not host memory ({@link DeviceLikeBackend}): no stage
 * may read a device tensor on the host (the CUDA backend would throw there), and the results must be
 * the CPU's bit for bit. Catches on any machine what would otherwise first show on a GPU.
 */
class DeviceResidencyTest {
    private static final SamplingSettings FEW_STEPS = new SamplingSettings("3", "3", "7", 4f, 8f);

    /** One backend's pipelines on the fixture model. */
    private record Pipelines(Backend backend, StageLoader loader, PromptEncoder prompts, FrameDecoder frames) {
        static Pipelines on(Backend backend) {
            StageLoader loader = new StageLoader(Fixtures.modelDirectory(), backend);
            PromptEncoder prompts = new PromptEncoder(backend, loader.clipText(), 77);
            return new Pipelines(backend, loader, prompts, new FrameDecoder(backend, prompts, loader.decoder(), loader.superRes()));
        }

        float[] host(Tensor t) {
            return backend.download(t).toFloatArray();
        }

        Tensor embed(RgbImage image) {
            return new ImageEmbedder(backend, loader.clipImage(), ClipImageTransform.karlo(224)).embed(image);
        }

        float[] textToImage() {
            TextToImage t2i = new TextToImage(backend, prompts, loader.prior(), loader.decoder(), loader.superRes());
            return host(t2i.run(List.of("a red cube on a table"), FEW_STEPS, new SeededNoise(backend, 7), e -> {}).image());
        }

        float[] variation(RgbImage image) {
            ImageVariation i2i = new ImageVariation(backend, prompts, loader.clipImage(), ClipImageTransform.karlo(224), loader.decoder(), loader.superRes());
            return host(i2i.run(image, 1, FEW_STEPS, new SeededNoise(backend, 3), e -> {}).decoded().image());
        }

        float[] interpolationMiddle(RgbImage a, RgbImage b) {
            return host(new Interpolation(frames).run(embed(a), embed(b), 3, FEW_STEPS, new SeededNoise(backend, 11), e -> {})
                    .get(1).decoded().image());
        }

        float[] textDiff(RgbImage a) {
            return host(new TextDiff(backend, prompts, frames).run(embed(a), "a photo of a cat", "an oil painting of a cat",
                    new double[] {0.5}, FEW_STEPS, new SeededNoise(backend, 5), e -> {}).getFirst().decoded().image());
        }

        float[] rerank() {
            return host(new Rerank(backend, prompts, loader.prior()).sample(List.of("a red cube"), 2, FEW_STEPS,
                    new SeededNoise(backend, 2), e -> {}).embeddings());
        }
    }

    private final Pipelines cpu = Pipelines.on(new CpuBackend());
    private final Pipelines device = Pipelines.on(DeviceLikeBackend.create());

    @Test
    void textToImage() {
        assertArrayEquals(cpu.textToImage(), device.textToImage());
    }

    @Test
    void variationInterpolationAndTextDiff() throws Exception {
        RgbImage a = Images.read(Fixtures.file("input.png")), b = Images.read(Fixtures.file("t2i.png"));
        assertArrayEquals(cpu.variation(a), device.variation(a));
        assertArrayEquals(cpu.interpolationMiddle(a, b), device.interpolationMiddle(a, b));
        assertArrayEquals(cpu.textDiff(a), device.textDiff(a));
    }

    @Test
    void rerank() {
        assertArrayEquals(cpu.rerank(), device.rerank());
    }
}
