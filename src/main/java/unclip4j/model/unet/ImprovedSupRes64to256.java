package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;

/**
 * Karlo's improved 64→256 super-resolution: karlo/models/sr_64_256.py
 * {@code ImprovedSupRes64to256ProgressiveModel} (spec §7, §12; fixtures convention 12). Two
 * {@link SuperResUNetModel}s of identical shape: {@code model_first_steps} (DDPM-trained) runs every step
 * but the last, {@code model_last_step} (fine-tuned with GAN/perceptual losses) only the final one
 * ({@code p_sample_loop_progressive_for_improved_sr}: {@code model_aux if len(indices) - 1 == idx}).
 */
public final class ImprovedSupRes64to256 {
    private static final int IMAGE_CHANNELS = 3;

    private final SuperResUNetModel modelFirstSteps; // model_first_steps
    private final SuperResUNetModel modelLastStep;   // model_last_step

    /**
     * @param w             the whole SR checkpoint's weights (holding {@code model_first_steps.} and {@code model_last_step.})
     * @param modelChannels channels
     * @param numResBlocks  depth
     * @param channelMult   channels_multiple
     */
    public ImprovedSupRes64to256(Backend backend, Weights w, int modelChannels, int numResBlocks, int[] channelMult) {
        this.modelFirstSteps = new SuperResUNetModel(backend, w.at("model_first_steps"), IMAGE_CHANNELS, modelChannels,
                IMAGE_CHANNELS, numResBlocks, channelMult);
        this.modelLastStep = new SuperResUNetModel(backend, w.at("model_last_step"), IMAGE_CHANNELS, modelChannels,
                IMAGE_CHANNELS, numResBlocks, channelMult);
    }

    /** Throws unless both networks take size × size pictures ({@link UNetModel#requireHalvable}); they share one shape. */
    public void requireInputSize(long size) {
        modelFirstSteps.unet().requireHalvable(size, size);
    }

    /**
     * The network for a step of the respaced loop, which counts the index i down to 0: {@code model_last_step}
     * at i = 0 (original timestep 0), {@code model_first_steps} otherwise.
     */
    public SuperResUNetModel modelForStep(int i) {
        return i == 0 ? modelLastStep : modelFirstSteps;
    }
}
