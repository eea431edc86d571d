package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.testing.TensorAssertions.assertRelL2;

import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code decoder_sample}: the guided decoder loop (respacing 25, learned range) with replayed draws. */
class DecoderSampleParityTest {

    @Test
    void replayedLoopMatchesKarlo() {
        Backend backend = new CpuBackend();
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("decoder_sample.safetensors"));
        DecoderDiffusionModel decoder = new StageLoader(Fixtures.modelDirectory(), backend).decoder();
        assertRelL2(f.get("y"), backend.download(decoder.guidedY(f.get("img_feat"))), 0, "y = [img_feat; cf_param]");
        TextConditioning text = new TextConditioning(f.get("txt_feat"), f.get("txt_feat_seq"), f.get("mask"));
        SamplingTraces trace = new SamplingTraces(f, backend, "decoder");

        Tensor sample = decoder.sample(f.get("img_feat"), text, f.get("guidance").getFloat(0), f.metadata().get("respacing"), 0.0,
                new ReplayNoise(Fixtures.file("decoder_sample.safetensors"), backend), trace);

        assertEquals(25, trace.checked());
        assertTrue(trace.divergences().isEmpty(), "x_t diverges at " + trace.divergences());
        double err = assertRelL2(f.get("sample"), backend.download(sample), 1e-3, "decoder_sample.sample");
        assertRelL2(f.get("sample_clamped"), backend.download(backend.clamp(sample, -1, 1)), 1e-3, "decoder_sample.sample_clamped");
        System.out.printf("decoder_sample: sample rel L2 %.3g%n", err);
    }
}
