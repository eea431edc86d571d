package unclip4j.model.unet;

import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;

/**
 * The weightless resampling of an up/down ResBlock ({@code resblock_updown}): karlo/modules/unet.py
 * {@code Upsample(use_conv=False)} = nearest ×2 and {@code Downsample(use_conv=False)} = 2×2 average pool.
 */
public enum Resample {
    NONE,
    UP,
    DOWN;

    /** x {@code (N, C, H, W)} → {@code (N, C, H, W)}, {@code (N, C, 2H, 2W)} or {@code (N, C, H/2, W/2)}. */
    Tensor apply(Backend backend, Tensor x) {
        return switch (this) {
            case NONE -> x;
            case UP -> backend.upsampleNearest2x(x);
            case DOWN -> backend.avgPool2x2(x);
        };
    }
}
