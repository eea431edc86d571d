package unclip4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TorchCheckpoint;
import unclip4j.checkpoint.Weights;
import unclip4j.model.unet.PLMImUNet;
import unclip4j.profile.OpTimer;
import unclip4j.profile.Profiler;
import unclip4j.profile.ProfilingBackend;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;
import unclip4j.testing.Fixtures;
import unclip4j.testing.TensorAssertions;

/**
 * One PLMImUNet forward against Karlo: decoder-tiny.ckpt and decoder_forward.safetensors of the
 * karlo-tiny fixtures (MANIFEST.md, "decoder_forward.safetensors" and conventions 7–8; tolerance 1e-4
 * relative L2 for single forwards). Loading is strict: every checkpoint key used, none missing.
 */
class DecoderForwardParityTest {

    /** The oracle, the CPU backend as configured, and each of its 3×3 conv algorithms forced everywhere. */
    static Stream<Named<Backend>> backends() {
        return Stream.of(new ReferenceOps(), new CpuBackend(), new CpuBackend(true, ConvAlgorithm.IM2COL),
                new CpuBackend(true, ConvAlgorithm.WINOGRAD_F2), new CpuBackend(true, ConvAlgorithm.WINOGRAD_F4))
                .map(b -> Named.of(b.name(), b));
    }

    /** The tiny decoder of MANIFEST.md's Configuration table (decoder.yaml). */
    static PLMImUNet tinyDecoder(Backend backend, Weights w) {
        return new PLMImUNet(backend, w.at("model"),
                32,                 // num_channels
                new int[] {1, 2},   // channel_mult "1,2"
                1,                  // num_res_blocks
                Set.of(16 / 8),     // attention_resolutions "8" at image_size 16 → downsample factor 2
                16,                 // num_head_channels
                64,                 // xf_width
                64,                 // clip_dim
                2,                  // clip_emb_mult
                true,               // use_scale_shift_norm
                true,               // learn_sigma
                0.1);               // clip_emb_drop → cf_param
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputMatchesKarlo(Backend backend) {
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("decoder-tiny.ckpt")), DType.F32);
        PLMImUNet decoder = tinyDecoder(backend, w);
        w.finish("PLMImUNet (karlo-tiny decoder)");

        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("decoder_forward.safetensors"));
        Tensor out = decoder.forward(backend.upload(f.get("x_t")), backend.upload(f.get("timesteps")),
                backend.upload(f.get("y")), backend.upload(f.get("txt_feat")), backend.upload(f.get("txt_feat_seq")),
                backend.upload(f.get("mask")), null);

        double err = TensorAssertions.assertRelL2(f.get("output"), backend.download(out), 1e-4, "decoder_forward.output");
        System.out.printf("decoder_forward.output [%s] relL2 %.3g%n", backend.name(), err);
        // the unconditional row's image embedding is the checkpoint's cf_param (MANIFEST.md convention 1)
        TensorAssertions.assertRelL2(f.get("y").select(0, 1), backend.download(decoder.cfParam()), 0, "y[1] vs cf_param");
    }

    /**
     * The U-Net runs each layer in its own TensorScope: a forward in a scope gives the same output
     * while the scope ends up holding a small part of what the forward allocated (the layer outputs
     * and skip concatenations, not the layers' intermediates).
     */
    @Test
    void aScopedForwardHoldsOnlyItsLayerOutputs() {
        Backend backend = new CpuBackend();
        Weights w = new Weights(TorchCheckpoint.read(Fixtures.file("decoder-tiny.ckpt")), DType.F32);
        PLMImUNet decoder = tinyDecoder(backend, w);
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("decoder_forward.safetensors"));
        Tensor out;
        long held, allocated;
        try (TensorScope evaluation = TensorScope.open()) {
            out = evaluation.keep(decoder.forward(f.get("x_t"), f.get("timesteps"), f.get("y"), f.get("txt_feat"),
                    f.get("txt_feat_seq"), f.get("mask"), null));
            held = evaluation.heldBytes();
            allocated = evaluation.allocatedBytes();
        }
        TensorAssertions.assertRelL2(f.get("output"), out, 1e-4, "decoder_forward.output in a scope");
        System.out.printf("scoped decoder forward: allocated %d bytes, held %d (%.0f %%)%n", allocated, held, 100.0 * held / allocated);
        assertTrue(held < allocated / 4, "held " + held + " of " + allocated + " bytes allocated");
    }

    /**
     * A sampling loop passes the same mask every step: the additive mask and each attention layer's
     * padded key mask are built at the first step only, so later steps copy nothing between host and
     * device (on CUDA every such copy waits for all queued work).
     */
    @Test
    void aSecondForwardWithTheSameMaskCopiesNothingThroughTheHost() {
        Profiler profiler = new Profiler();
        Backend backend = new ProfilingBackend(new CpuBackend(), profiler, OpTimer.HOST);
        PLMImUNet decoder = tinyDecoder(backend, new Weights(TorchCheckpoint.read(Fixtures.file("decoder-tiny.ckpt")), DType.F32));
        SafetensorsFile f = SafetensorsFile.open(Fixtures.file("decoder_forward.safetensors"));
        List<Tensor> in = Stream.of("x_t", "timesteps", "y", "txt_feat", "txt_feat_seq", "mask").map(n -> backend.upload(f.get(n))).toList();
        long before = hostCopies(profiler);
        for (int step = 0; step < 2; step++) {
            long start = hostCopies(profiler);
            try (TensorScope evaluation = TensorScope.open()) {
                decoder.forward(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5), null);
            }
            long copies = hostCopies(profiler) - start;
            if (step == 0) assertTrue(copies > 0, "the first step builds the masks through the host");
            else assertEquals(0, copies, "uploads and downloads at the second step");
        }
        assertTrue(hostCopies(profiler) > before);
    }

    private static long hostCopies(Profiler profiler) {
        return profiler.snapshot().stream().filter(e -> e.op.equals("upload") || e.op.equals("download")).mapToLong(Profiler.Entry::calls).sum();
    }
}
