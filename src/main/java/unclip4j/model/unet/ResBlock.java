package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.nn.Conv2d;
import unclip4j.nn.GroupNorm32;
import unclip4j.nn.Linear;
import unclip4j.tensor.Tensor;

/**
 * Residual block with timestep conditioning: karlo/modules/unet.py {@code ResBlock} (spec §6.3, §7).
 * FiLM ({@code use_scale_shift_norm}) is on in Karlo's decoder and off in its SR U-Nets; an up/down
 * block resamples after GN+SiLU and before {@code in_layers.2}, and resamples the shortcut input too.
 */
public final class ResBlock implements TimestepEmbedSequential.Layer {
    private final Backend backend;
    private final GroupNorm32 inNorm;  // in_layers.0: GroupNorm32 with SiLU fused (swish=1.0); in_layers.1 is Identity
    private final Conv2d inConv;       // in_layers.2
    private final Linear embProj;      // emb_layers.1 (emb_layers.0 is SiLU); 2·C_out = scale ‖ shift with FiLM, else C_out
    private final GroupNorm32 outNorm; // out_layers.0 (FiLM: plain GN, out_layers.1 SiLU; else GN+SiLU, out_layers.1 Identity)
    private final Conv2d outConv;      // out_layers.3 (out_layers.2 is Dropout: a no-op at inference)
    private final Conv2d skip;         // skip_connection, 1×1; null (Identity) when the channel count is unchanged
    private final Resample updown;     // h_upd / x_upd: no weights
    private final boolean scaleShift;  // use_scale_shift_norm
    private final int outChannels;

    public ResBlock(Backend backend, Weights w, int channels, int embChannels, int outChannels,
                    boolean useScaleShiftNorm, Resample updown) {
        this.backend = backend;
        this.inNorm = new GroupNorm32(backend, w.at("in_layers.0"), channels);
        this.inConv = new Conv2d(backend, w.at("in_layers.2"), channels, outChannels, 3);
        this.embProj = new Linear(backend, w.at("emb_layers.1"), embChannels, useScaleShiftNorm ? 2 * outChannels : outChannels);
        this.outNorm = new GroupNorm32(backend, w.at("out_layers.0"), outChannels);
        this.outConv = new Conv2d(backend, w.at("out_layers.3"), outChannels, outChannels, 3);
        this.skip = channels == outChannels ? null : new Conv2d(backend, w.at("skip_connection"), channels, outChannels, 1);
        this.updown = updown;
        this.scaleShift = useScaleShiftNorm;
        this.outChannels = outChannels;
    }

    /** x {@code (N, C, H, W)}, emb {@code (N, E)} → {@code (N, C_out, H', W')}; H' = H, 2H or H/2 by the resampling. */
    public Tensor forward(Tensor x, Tensor emb) {
        Tensor h = inConv.forward(updown.apply(backend, inNorm.forwardSilu(x)));  // (N, C_out, H', W')
        Tensor e = embProj.forward(backend.silu(emb));                              // (N, 2·C_out) or (N, C_out)
        if (scaleShift) {
            Tensor scale = e.slice(1, 0, outChannels), shift = e.slice(1, outChannels, 2 * outChannels);
            h = outNorm.forwardScaleShiftSilu(h, scale, shift);                    // SiLU(GN(h)·(1 + scale) + shift)
        } else {
            long n = e.size(0);
            h = outNorm.forwardSilu(backend.add(h, e.reshape(n, outChannels, 1, 1))); // SiLU(GN(h + emb))
        }
        h = outConv.forward(h);
        Tensor xr = updown.apply(backend, x);
        return backend.add(skip == null ? xr : skip.forward(xr), h);
    }
}
