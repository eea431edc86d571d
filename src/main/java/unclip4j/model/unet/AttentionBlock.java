package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.nn.Conv1x1;
import unclip4j.nn.GroupNorm32;
import unclip4j.tensor.Tensor;

/**
 * Spatial attention over the image positions and the encoder tokens: karlo/modules/unet.py
 * {@code AttentionBlock} with {@code encoder_channels} (spec §6.3):
 * {@code x + proj_out(QKVAttention(qkv(GN(x)), encoder_kv(encoderOut), mask))}, heads = C / num_head_channels.
 * The Conv1d layers are kernel-size 1 ({@code conv_nd(1, ...)}).
 */
public final class AttentionBlock implements TimestepEmbedSequential.Layer {
    private final Backend backend;
    private final GroupNorm32 norm;   // norm: GroupNorm32 without activation (swish=0.0)
    private final Conv1x1 qkv;        // qkv: C → 3·C, head-interleaved [q|k|v]
    private final Conv1x1 encoderKv;  // encoder_kv: encoder_channels → 2·C, head-interleaved [k|v]
    private final Conv1x1 projOut;    // proj_out: C → C
    private final QKVAttention attention;
    private final String module;      // the checkpoint prefix, for attention probes

    public AttentionBlock(Backend backend, Weights w, int channels, int numHeadChannels, int encoderChannels) {
        if (channels % numHeadChannels != 0) {
            throw new IllegalArgumentException("channels " + channels + " not divisible by num_head_channels " + numHeadChannels);
        }
        this.backend = backend;
        this.norm = new GroupNorm32(backend, w.at("norm"), channels);
        this.qkv = new Conv1x1(backend, w.at("qkv"), channels, 3 * channels);
        this.encoderKv = new Conv1x1(backend, w.at("encoder_kv"), encoderChannels, 2 * channels);
        this.projOut = new Conv1x1(backend, w.at("proj_out"), channels, channels);
        this.attention = new QKVAttention(backend, channels / numHeadChannels);
        this.module = w.module();
    }

    /**
     * x {@code (B, C, H, W)}, encoderOut {@code (B, encoder_channels, S)}, mask additive {@code (B, S)}
     * → {@code (B, C, H, W)}; the probe, if not null, sees where sample 0 looks among the S tokens.
     */
    public Tensor forward(Tensor x, Tensor encoderOut, Tensor mask, AttentionProbe probe) {
        long[] shape = x.shape();
        Tensor h = qkv.forward(norm.forward(x).reshape(shape[0], shape[1], -1));   // (B, 3·C, T), T = H·W
        QKVAttention.Heads heads = attention.split(h, encoderKv.forward(encoderOut), mask);
        if (probe != null) probe.record(module, (int) shape[2], (int) shape[3], attention.encoderWeights(heads));
        return backend.add(x, projOut.forward(attention.attend(heads)).reshape(shape)); // x + proj_out((B, C, T))
    }
}
