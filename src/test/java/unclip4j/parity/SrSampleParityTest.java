package unclip4j.parity;

import static unclip4j.testing.TensorAssertions.assertRelL2;

import org.junit.jupiter.api.Test;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.diffusion.ReplayNoise;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/** MANIFEST {@code sr_sample}: the ×4 antialiased resize and the improved 6 + 1 step SR loop with replayed draws. */
class SrSampleParityTest {

    @Test
    void replayedLoopMatchesKarlo() {
        Backend backend = new CpuBackend();
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("sr_sample.safetensors"));
        SuperResDiffusionModel sr = new StageLoader(Fixtures.modelDirectory(), backend).superRes();
        assertRelL2(f.get("low_res"), backend.download(sr.lowRes(f.get("low_res_input"))), 1e-5, "sr_sample.low_res");

        Tensor sample = sr.sample(f.get("low_res_input"), f.metadata().get("respacing"),
                new ReplayNoise(Fixtures.file("sr_sample.safetensors"), backend), e -> {});

        double err = assertRelL2(f.get("sample"), backend.download(sample), 1e-3, "sr_sample.sample");
        System.out.printf("sr_sample: sample rel L2 %.3g%n", err);
    }
}
