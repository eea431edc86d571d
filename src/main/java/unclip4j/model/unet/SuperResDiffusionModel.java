package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.GaussianDiffusion;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.tensor.Tensor;

/**
 * Karlo's improved super-resolution loop ({@code p_sample_loop_progressive_for_improved_sr}):
 * the clamped decoder output is upsampled ×4 with the antialiased bicubic resize and concatenated
 * to x_t at every step; 7 ancestral steps with fixed small variance, x̂0 clipped to [-1, 1]; the
 * first six use {@code model_first_steps}, the last (t = 0) {@code model_last_step}. No guidance.
 */
public final class SuperResDiffusionModel {
    /** Karlo asserts this respacing for the improved SR. */
    public static final String RESPACING = "7";
    public static final int SCALE = 4;

    private final Backend backend;
    private final ImprovedSupRes64to256 networks;

    public SuperResDiffusionModel(Backend backend, ImprovedSupRes64to256 networks) {
        this.backend = backend;
        this.networks = networks;
    }

    public ImprovedSupRes64to256 networks() {
        return networks;
    }

    /**
     * Throws, before any sampling, unless the SR networks can take the decoder's pictures upscaled ×4:
     * an SR config with more levels than that size halves into fails only after the prior and decoder ran.
     */
    public void requireDecoderSize(int decoderImageSize) {
        long size = (long) decoderImageSize * SCALE;
        try {
            networks.requireInputSize(size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the SR model cannot upscale the decoder's " + decoderImageSize + "-pixel pictures: its U-Net takes "
                    + size + "-pixel ones (×" + SCALE + "), but " + e.getMessage() + " (channels_multiple has too many levels for this decoder's image_size)");
        }
    }

    /** The SR condition: {@code resize(clamp(x, -1, 1), ×4, bicubic, antialias=True)}. */
    public Tensor lowRes(Tensor image) {
        Tensor clamped = backend.clamp(image, -1f, 1f);
        return backend.resizeBicubic(clamped, image.dim(2) * SCALE, image.dim(3) * SCALE, true);
    }

    /**
     * @param image the decoder's output {@code [B, 3, S, S]} (clamped here)
     * @return the final sample {@code [B, 3, 4S, 4S]}, before {@code clamp(x·0.5+0.5, 0, 1)}
     */
    public Tensor sample(Tensor image, String respacing, NoiseSource noise, StepListener listener) {
        if (!RESPACING.equals(respacing)) {
            throw new IllegalArgumentException("the improved SR is trained for respacing \"7\" (6 steps + 1 last step), got \"" + respacing + "\"");
        }
        Tensor low = lowRes(image);
        GaussianDiffusion diffusion = new GaussianDiffusion(backend,
                DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, respacing),
                GaussianDiffusion.ModelMean.EPSILON, GaussianDiffusion.ModelVariance.FIXED_SMALL,
                true, Float.NaN, false);
        long b = image.size(0);
        return diffusion.sample(i -> {
                    SuperResUNetModel net = networks.modelForStep(i);
                    return (xt, t) -> net.forward(xt, GaussianDiffusion.timesteps(t, b), low);
                },
                new long[] {b, 3, low.size(2), low.size(3)}, noise, "sr", listener);
    }
}
