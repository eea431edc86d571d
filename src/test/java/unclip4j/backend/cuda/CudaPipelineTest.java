package unclip4j.backend.cuda;

import static unclip4j.testing.TensorAssertions.assertRelL2;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.diffusion.RecordingNoise;
import unclip4j.diffusion.SeededNoise;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextToImage;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * The whole text-to-image pipeline on CUDA against the CPU backend with the same weights, stored in
 * the same dtype, and the same draws (recorded on the CPU, replayed on the GPU, so Philox's rare
 * last-ulp differences cannot matter): relative L2 ≤ 1e-3 with F32 weights and ≤ 1e-2 with F16 or
 * BF16 weights (issue 7). The storage dtype is the same on both sides because what is tested is the
 * backend: rounding the weights to BF16 moves this random model's picture by 3.9 % on the CPU too
 * (F16 by nothing: the embedded weights are F16 already). Runs on the embedded model in
 * {@code weights/tiny} (the karlo-tiny fixture model, converted), which travels to a GPU machine with
 * the working tree. Needs a GPU; elsewhere skipped with the probe's reason.
 */
class CudaPipelineTest {

    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(Cuda.available(), Cuda.unavailableReason());
    }

    private static Tensor image(Backend backend, DType storage, unclip4j.diffusion.NoiseSource noise) {
        StageLoader loader = new StageLoader(ModelDirectory.open(Path.of("weights", "tiny")), backend, storage);
        TextToImage t2i = new TextToImage(backend, new PromptEncoder(backend, loader.clipText(), 77), loader.prior(),
                loader.decoder(), loader.superRes());
        return t2i.run(List.of("a photo of a baby puppy waiting for her mom"), SamplingSettings.fast(), noise, e -> {}).image();
    }

    @ParameterizedTest
    @CsvSource({"F32, 1e-3", "F16, 1e-2", "BF16, 1e-2"})
    void textToImageMatchesTheCpu(DType storage, double tolerance) {
        Backend cpu = new CpuBackend();
        RecordingNoise draws = new RecordingNoise(new SeededNoise(cpu, 11), cpu);
        Tensor expected = image(cpu, storage, draws);
        try (CudaBackend gpu = CudaBackend.open()) {
            Tensor actual = image(gpu, storage, draws.replay(gpu));
            assertRelL2(expected, actual, tolerance, "t2i on CUDA with " + storage + " weights vs CPU");
        }
    }
}
