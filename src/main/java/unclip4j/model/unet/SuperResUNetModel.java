package unclip4j.model.unet;

import java.util.Set;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/**
 * One 64→256 super-resolution network: karlo/modules/unet.py {@code SuperResUNetModel} as
 * karlo/models/sr_64_256.py builds it (spec §7): a {@link UNetModel} on {@code cat([x_t, low_res])}
 * with no attention, no middle attention, no scale-shift, and the time embedding as its only conditioning.
 */
public final class SuperResUNetModel {
    private final Backend backend;
    private final UNetModel unet;

    /**
     * @param w             one network's weights ({@code model_first_steps.} or {@code model_last_step.})
     * @param inChannels    image channels (3); the network reads twice as many (x_t ‖ low_res)
     * @param modelChannels channels
     * @param outChannels   3 (ε̂; fixed small variance)
     * @param numResBlocks  depth
     * @param channelMult   channels_multiple
     */
    public SuperResUNetModel(Backend backend, Weights w, int inChannels, int modelChannels, int outChannels,
                             int numResBlocks, int[] channelMult) {
        this.backend = backend;
        this.unet = new UNetModel(backend, w, 2 * inChannels, modelChannels, outChannels, numResBlocks, channelMult,
                Set.of(), 0, 0, false, false);
    }

    /** The U-Net inside: its levels decide which picture sizes it can take ({@link UNetModel#requireHalvable}). */
    public UNetModel unet() {
        return unet;
    }

    /**
     * xT {@code (N, 3, H, W)}, timesteps {@code (N)} original timesteps, lowRes {@code (N, 3, H, W)} (the
     * resized decoder output) → ε̂ {@code (N, 3, H, W)}.
     */
    public Tensor forward(Tensor xT, Tensor timesteps, Tensor lowRes) {
        if (xT.size(2) != lowRes.size(2) || xT.size(3) != lowRes.size(3)) {
            throw new IllegalArgumentException("low_res " + lowRes + " does not match x_t " + xT + " spatially");
        }
        Tensor x = backend.concat(1, xT, lowRes);   // x_t channels 0–2, low_res channels 3–5
        return unet.forward(x, unet.timeEmbed(timesteps), null, null);
    }
}
