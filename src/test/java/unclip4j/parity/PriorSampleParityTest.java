package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/**
 * MANIFEST {@code prior_sample} (ancestral, respacing 25) and {@code prior_sample_ddim} (ddim25, eta 0):
 * the guided prior loop with the recorded draws replayed lands on the reference's embedding.
 */
class PriorSampleParityTest {

    @ParameterizedTest
    @CsvSource({"prior_sample.safetensors, 25", "prior_sample_ddim.safetensors, ddim25"})
    void replayedLoopMatchesKarlo(String file, String respacing) {
        Backend backend = new CpuBackend();
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file(file));
        assertEquals(respacing, f.metadata().get("respacing"));
        PriorDiffusionModel prior = new StageLoader(Fixtures.modelDirectory(), backend).prior();
        TextConditioning text = new TextConditioning(f.get("txt_feat"), f.get("txt_feat_seq"), f.get("mask"));
        SamplingTraces trace = new SamplingTraces(f, backend, "prior");

        Tensor normalized = prior.sampleNormalized(text, f.get("guidance").getFloat(0), respacing, 0.0,
                new ReplayNoise(Fixtures.file(file), backend), trace);
        Tensor embedding = prior.sample(text, f.get("guidance").getFloat(0), respacing, 0.0,
                new ReplayNoise(Fixtures.file(file), backend), e -> {});

        assertEquals(25, trace.checked());
        assertTrue(trace.divergences().isEmpty(), "x_t diverges at " + trace.divergences());
        double err = assertRelL2(f.get("sample_normalized"), backend.download(normalized), 1e-3, file + " sample_normalized");
        assertRelL2(f.get("image_embedding"), backend.download(embedding), 1e-3, file + " image_embedding");
        System.out.printf("%s: sample_normalized rel L2 %.3g%n", file, err);
    }
}
