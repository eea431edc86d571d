package unclip4j.nn;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.tensor.Tensor;

/**
 * guided-diffusion's {@code GroupNorm32}: GroupNorm with 32 groups, eps 1e-5, computed in float32,
 * keys {@code weight [C]}, {@code bias [C]}. SiLU and FiLM (scale-shift) are fused into the same op.
 */
public final class GroupNorm32 {
    public static final int GROUPS = 32;

    private final Backend backend;
    private final Tensor weight;
    private final Tensor bias;

    public GroupNorm32(Backend backend, Weights w, int channels) {
        this.backend = backend;
        this.weight = Params.load(backend, w, "weight", channels);
        this.bias = Params.load(backend, w, "bias", channels);
    }

    public Tensor forward(Tensor x) {
        return backend.groupNorm(x, GROUPS, weight, bias, 1e-5f, null, null, false);
    }

    /** {@code SiLU(GN(x))}: in_layers.0 + in_layers.1 of a ResBlock, out.0 + out.1 of the U-Net. */
    public Tensor forwardSilu(Tensor x) {
        return backend.groupNorm(x, GROUPS, weight, bias, 1e-5f, null, null, true);
    }

    /** {@code SiLU(GN(x)·(1 + scale) + shift)}, scale and shift {@code [N, C]}: the FiLM of use_scale_shift_norm. */
    public Tensor forwardScaleShiftSilu(Tensor x, Tensor scale, Tensor shift) {
        return backend.groupNorm(x, GROUPS, weight, bias, 1e-5f, scale, shift, true);
    }
}
