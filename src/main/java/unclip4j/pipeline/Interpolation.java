package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.tensor.Tensor;

/**
 * unCLIP interpolation (DALL-E 2 paper §3.2): frames decoded from {@code slerp(z_a, z_b, θ)} for
 * N evenly spaced θ from 0 to 1, between two CLIP image embeddings, of two pictures
 * ({@link ImageEmbedder}) or two prompts (prior samples, {@link Rerank}). The decoder noise is the
 * same for every frame ({@link FrameDecoder}), so the first and last frames are the endpoints'
 * own decodings with that noise and the frames between change only through the embedding.
 */
public final class Interpolation {
    private final FrameDecoder frames;

    public Interpolation(FrameDecoder frames) {
        this.frames = frames;
    }

    /** θ_i = i / (n − 1), i = 0..n−1. */
    public static double[] fractions(int n) {
        if (n < 2) throw new IllegalArgumentException("an interpolation needs at least 2 frames, got " + n);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = (double) i / (n - 1);
        return t;
    }

    /**
     * @param from, to host {@code [1, D]} image embeddings
     */
    public List<FrameDecoder.Frame> run(Tensor from, Tensor to, int n, SamplingSettings s, NoiseSource noise, StepListener listener) {
        double[] t = fractions(n);
        List<Tensor> embeddings = new ArrayList<>();
        for (double ti : t) embeddings.add(Slerp.slerp(from, to, ti));
        return frames.decode(t, embeddings, s, noise, listener);
    }
}
