package unclip4j.diffusion;

import unclip4j.tensor.Tensor;

/**
 * The two halves of a classifier-free guided prediction at timestep t, before they are mixed
 * into {@code uncond + scale·(cond − uncond)}: what the guided output no longer shows. For the
 * decoder they are the ε channels, for the prior the x̂0 predictions; rows 0..B-1 of the state.
 * Delivered just before the {@link StepEvent} of the same step.
 */
public record GuidanceEvent(String stage, long t, float scale, Tensor cond, Tensor uncond) {}
