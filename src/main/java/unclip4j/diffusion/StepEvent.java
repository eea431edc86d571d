package unclip4j.diffusion;

import unclip4j.tensor.Tensor;

/**
 * One reverse step: step k of steps (k = 0 is the noisiest), respaced index i = steps-1-k, the
 * original timestep t given to the network, the state entering the step, the network's (guided)
 * output, the x0 prediction after clamping, the posterior mean, the log variance used (null for
 * DDIM) and the state leaving the step.
 */
public record StepEvent(String stage, int step, int steps, int index, long t,
                        Tensor xT, Tensor modelOut, Tensor predXstart, Tensor mean, Tensor logVariance, Tensor sample) {}
