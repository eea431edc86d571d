package unclip4j.model.unet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.model.AttentionProbe;
import unclip4j.nn.Conv2d;
import unclip4j.nn.GroupNorm32;
import unclip4j.nn.Linear;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * The U-Net skeleton shared by the decoder and the SR networks: karlo/modules/unet.py {@code UNetModel}
 * with {@code resblock_updown=True} (the only setting Karlo uses), spec §6.4 and §7. Built level by level
 * from channel_mult exactly as the reference builds its module lists, so block i has key prefix
 * {@code input_blocks.i} / {@code output_blocks.i}:
 * <ul>
 *   <li>{@code input_blocks.0.0}: Conv3×3(in → mult[0]·C); then per level num_res_blocks × [ResBlock, AttentionBlock
 *       if the downsample factor is in attentionDs], and a down-ResBlock between levels;</li>
 *   <li>{@code middle_block}: ResBlock, AttentionBlock (if useMiddleAttention), ResBlock;</li>
 *   <li>{@code output_blocks}: per level, from the deepest, (num_res_blocks + 1) × [ResBlock on {@code cat([h, skip])},
 *       AttentionBlock if the factor is in attentionDs, an up-ResBlock after the last one of every level but the first];</li>
 *   <li>{@code out}: GN+SiLU, Conv3×3(mult[0]·C → out).</li>
 * </ul>
 * The time embedding width is 4·C ({@code time_embed}); conditioning added to it (the decoder's
 * {@code clip_emb}, {@code text_feat_proj}) belongs to the subclass in Karlo and to the caller here.
 */
public final class UNetModel {
    private final Backend backend;
    private final int modelChannels;
    private final int halvings;          // down-ResBlocks between levels: len(channel_mult) - 1
    private final Linear timeEmbedIn;    // time_embed.0 (time_embed.1 is SiLU)
    private final Linear timeEmbedOut;   // time_embed.2
    private final Conv2d inputConv;      // input_blocks.0.0
    private final List<TimestepEmbedSequential> inputBlocks = new ArrayList<>();  // input_blocks.1 ..
    private final TimestepEmbedSequential middleBlock;                              // middle_block
    private final List<TimestepEmbedSequential> outputBlocks = new ArrayList<>(); // output_blocks.0 ..
    private final GroupNorm32 outNorm;   // out.0, GroupNorm32 with SiLU fused (swish=1.0); out.1 is Identity
    private final Conv2d outConv;        // out.2

    /**
     * @param w                  the model's weights ({@code model.}, {@code model_first_steps.}, ...)
     * @param inChannels         input_blocks.0 input (decoder 3; SR 6 = x_t ‖ low_res)
     * @param modelChannels      num_channels / channels
     * @param outChannels        out.2 output (decoder 6 with learn_sigma; SR 3)
     * @param numResBlocks       num_res_blocks / depth
     * @param channelMult        channel_mult / channels_multiple, one entry per level
     * @param attentionDs        downsample factors with attention (image_size / attention_resolutions); empty for the SR
     * @param numHeadChannels    num_head_channels: heads = channels / numHeadChannels (unused without attention)
     * @param encoderChannels    xf_width: width of the encoder tokens the attention blocks read (unused without attention)
     * @param useScaleShiftNorm  use_scale_shift_norm (FiLM in every ResBlock)
     * @param useMiddleAttention use_middle_attention: the middle block is [R, A, R] instead of [R, R]
     */
    public UNetModel(Backend backend, Weights w, int inChannels, int modelChannels, int outChannels, int numResBlocks,
                     int[] channelMult, Set<Integer> attentionDs, int numHeadChannels, int encoderChannels,
                     boolean useScaleShiftNorm, boolean useMiddleAttention) {
        this.backend = backend;
        this.modelChannels = modelChannels;
        this.halvings = channelMult.length - 1;
        int embDim = 4 * modelChannels;
        this.timeEmbedIn = new Linear(backend, w.at("time_embed.0"), modelChannels, embDim);
        this.timeEmbedOut = new Linear(backend, w.at("time_embed.2"), embDim, embDim);

        // A ResBlock or AttentionBlock at a given key prefix, with this network's fixed settings.
        record Blocks(Backend backend, int embDim, boolean film, int headChannels, int encoderChannels) {
            ResBlock res(Weights w, int in, int out, Resample updown) {
                return new ResBlock(backend, w, in, embDim, out, film, updown);
            }

            AttentionBlock attn(Weights w, int channels) {
                return new AttentionBlock(backend, w, channels, headChannels, encoderChannels);
            }
        }
        Blocks blocks = new Blocks(backend, embDim, useScaleShiftNorm, numHeadChannels, encoderChannels);

        int ch = channelMult[0] * modelChannels;
        this.inputConv = new Conv2d(backend, w.at("input_blocks.0.0"), inChannels, ch, 3);
        Deque<Integer> skipChannels = new ArrayDeque<>(List.of(ch)); // input_block_chans, used as a stack
        int ds = 1;
        for (int level = 0; level < channelMult.length; level++) {
            for (int r = 0; r < numResBlocks; r++) {
                Weights b = w.at("input_blocks." + (inputBlocks.size() + 1));
                int out = channelMult[level] * modelChannels;
                List<TimestepEmbedSequential.Layer> layers = new ArrayList<>();
                layers.add(blocks.res(b.at("0"), ch, out, Resample.NONE));
                ch = out;
                if (attentionDs.contains(ds)) layers.add(blocks.attn(b.at("1"), ch));
                inputBlocks.add(new TimestepEmbedSequential(layers));
                skipChannels.push(ch);
            }
            if (level != channelMult.length - 1) {
                Weights b = w.at("input_blocks." + (inputBlocks.size() + 1));
                inputBlocks.add(new TimestepEmbedSequential(List.of(blocks.res(b.at("0"), ch, ch, Resample.DOWN))));
                skipChannels.push(ch);
                ds *= 2;
            }
        }

        Weights m = w.at("middle_block");
        this.middleBlock = new TimestepEmbedSequential(useMiddleAttention
                ? List.of(blocks.res(m.at("0"), ch, ch, Resample.NONE), blocks.attn(m.at("1"), ch),
                          blocks.res(m.at("2"), ch, ch, Resample.NONE))
                : List.of(blocks.res(m.at("0"), ch, ch, Resample.NONE), blocks.res(m.at("1"), ch, ch, Resample.NONE)));

        for (int level = channelMult.length - 1; level >= 0; level--) {
            for (int i = 0; i <= numResBlocks; i++) {
                Weights b = w.at("output_blocks." + outputBlocks.size());
                int out = channelMult[level] * modelChannels;
                List<TimestepEmbedSequential.Layer> layers = new ArrayList<>();
                layers.add(blocks.res(b.at("0"), ch + skipChannels.pop(), out, Resample.NONE));
                ch = out;
                if (attentionDs.contains(ds)) layers.add(blocks.attn(b.at("1"), ch));
                if (level > 0 && i == numResBlocks) {
                    // the up-ResBlock follows the attention block if there is one: .2 in the decoder, .1 in the SR
                    layers.add(blocks.res(b.at(String.valueOf(layers.size())), ch, ch, Resample.UP));
                    ds /= 2;
                }
                outputBlocks.add(new TimestepEmbedSequential(layers));
            }
        }

        this.outNorm = new GroupNorm32(backend, w.at("out.0"), ch);
        this.outConv = new Conv2d(backend, w.at("out.2"), ch, outChannels, 3);
    }

    /**
     * Throws unless an input of height × width halves without remainder as often as the down path does
     * (one less than the levels of channel_mult): the skip connections must meet their upsampled
     * counterparts again.
     */
    public void requireHalvable(long height, long width) {
        long multiple = 1L << halvings;
        if (height % multiple != 0 || width % multiple != 0) {
            throw new IllegalArgumentException("a U-Net of " + (halvings + 1) + " levels halves its input " + halvings + " times, so its sides must be "
                    + "multiples of " + multiple + ", not " + height + " × " + width);
        }
    }

    /** {@code time_embed(timestep_embedding(t, C))}: t {@code (N)} original timesteps → {@code (N, 4·C)}. */
    public Tensor timeEmbed(Tensor timesteps) {
        Tensor e = backend.timestepEmbedding(timesteps, modelChannels);   // (N, C), [cos | sin]
        return timeEmbedOut.forward(backend.silu(timeEmbedIn.forward(e)));
    }

    /**
     * The network body given the full embedding: x {@code (N, in, H, W)}, emb {@code (N, 4·C)}, encoderOut
     * {@code (N, xf_width, S)} and its additive mask {@code (N, S)} (both null without attention)
     * → {@code (N, out, H, W)}.
     */
    public Tensor forward(Tensor x, Tensor emb, Tensor encoderOut, Tensor mask) {
        return forward(x, emb, encoderOut, mask, null);
    }

    /** As {@link #forward(Tensor, Tensor, Tensor, Tensor)}, showing every attention block to the probe (or null). */
    public Tensor forward(Tensor x, Tensor emb, Tensor encoderOut, Tensor mask, AttentionProbe probe) {
        requireHalvable(x.size(2), x.size(3));
        Deque<Tensor> hs = new ArrayDeque<>();
        Tensor h = inputConv.forward(x);
        hs.push(h);
        for (TimestepEmbedSequential block : inputBlocks) {
            h = block.forward(h, emb, encoderOut, mask, probe);
            hs.push(h);
        }
        h = middleBlock.forward(h, emb, encoderOut, mask, probe);
        for (TimestepEmbedSequential block : outputBlocks) {
            try (TensorScope scope = TensorScope.open()) {                  // the concatenation dies with the block
                Tensor hCat = backend.concat(1, h, hs.pop());               // cat([h, skip]): current h first
                h = scope.keep(block.forward(hCat, emb, encoderOut, mask, probe));
            }
        }
        return outConv.forward(outNorm.forwardSilu(h));
    }
}
