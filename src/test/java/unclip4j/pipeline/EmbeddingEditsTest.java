package unclip4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.relL2;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.diffusion.SeededNoise;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** Interpolation, text diffs and reranking on the fixture model (few steps: only equalities are checked). */
class EmbeddingEditsTest {
    /** The same computation gives the same bits (the CPU backend is reproducible run to run). */
    private static final double SAME = 0;
    private static final SamplingSettings FEW_STEPS = new SamplingSettings("3", "3", "7", 4f, 8f);

    private final Backend backend = new CpuBackend();
    private final StageLoader loader = new StageLoader(Fixtures.modelDirectory(), backend);
    private final PromptEncoder prompts = new PromptEncoder(backend, loader.clipText(), 77);
    private final FrameDecoder frames = new FrameDecoder(backend, prompts, loader.decoder(), loader.superRes());

    private Tensor variation(RgbImage image, long seed) {
        ImageVariation i2i = new ImageVariation(backend, prompts, loader.clipImage(), ClipImageTransform.karlo(224), loader.decoder(), loader.superRes());
        return i2i.run(image, 1, FEW_STEPS, new SeededNoise(backend, seed), e -> {}).decoded().image();
    }

    private Tensor embed(RgbImage image) {
        return new ImageEmbedder(backend, loader.clipImage(), ClipImageTransform.karlo(224)).embed(image);
    }

    @Test
    void interpolationEndsAreThePlainVariationsWithTheSameNoise() throws Exception {
        RgbImage a = Images.read(Fixtures.file("input.png")), b = Images.read(Fixtures.file("t2i.png"));
        List<FrameDecoder.Frame> out = new Interpolation(frames).run(embed(a), embed(b), 3, FEW_STEPS, new SeededNoise(backend, 11), e -> {});

        assertEquals(3, out.size());
        assertEquals(0.5, out.get(1).position());
        assertEquals(0.0, relL2(variation(a, 11), out.get(0).decoded().image()), SAME);
        assertEquals(0.0, relL2(variation(b, 11), out.get(2).decoded().image()), SAME);
        Tensor middle = out.get(1).decoded().image();
        assertTrue(relL2(out.get(0).decoded().image(), middle) > 1e-3 && relL2(out.get(2).decoded().image(), middle) > 1e-3);
    }

    @Test
    void textDiffAtAmountZeroIsThePicturesVariation() throws Exception {
        RgbImage a = Images.read(Fixtures.file("input.png"));
        TextDiff diff = new TextDiff(backend, prompts, frames);
        List<FrameDecoder.Frame> out = diff.run(embed(a), "a photo of a cat", "an oil painting of a cat", new double[] {0, 0.5},
                FEW_STEPS, new SeededNoise(backend, 5), e -> {});

        assertArrayEquals(embed(a).toFloatArray(), out.get(0).imageEmbedding().toFloatArray());
        assertEquals(0.0, relL2(variation(a, 5), out.get(0).decoded().image()), SAME);
        assertTrue(relL2(out.get(0).decoded().image(), out.get(1).decoded().image()) > 1e-3);
    }

    @Test
    void rerankKeepsTheCandidateClosestToTheText() {
        Rerank rerank = new Rerank(backend, prompts, loader.prior());
        List<String> rows = List.of("a red cube", "a blue sphere");
        Rerank.Result best = rerank.sample(rows, 3, FEW_STEPS, new SeededNoise(backend, 2), e -> {});

        // the same draws without choosing: all 3 candidates of each row, candidate-major
        Rerank.Result all = rerank.sample(List.of("a red cube", "a blue sphere", "a red cube", "a blue sphere", "a red cube", "a blue sphere"),
                1, FEW_STEPS, new SeededNoise(backend, 2), e -> {});
        Tensor txt = backend.download(prompts.encode(rows).text().txtFeat());
        for (int r = 0; r < 2; r++) {
            double[] cos = new double[3];
            for (int j = 0; j < 3; j++) cos[j] = ClipSimilarity.cosine(all.embeddings().slice(0, j * 2 + r, j * 2 + r + 1), txt.slice(0, r, r + 1))[0][0];
            int argmax = cos[0] >= cos[1] && cos[0] >= cos[2] ? 0 : cos[1] >= cos[2] ? 1 : 2;
            assertEquals(argmax, best.chosen()[r]);
            assertEquals(cos[argmax], best.similarity()[r], 1e-5);
            assertEquals(0.0, relL2(all.embeddings().select(0, argmax * 2 + r), best.embeddings().select(0, r)), SAME);
        }
    }
}
