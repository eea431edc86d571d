package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.tensor.Tensor;

/**
 * Text diffs (DALL-E 2 paper §3.3): edit a picture towards a new caption by moving its CLIP image
 * embedding along the difference of two caption embeddings.
 * <pre>
 *   z_i = CLIP image embedding of the picture
 *   z_t = CLIP text embedding (txt_feat) of the target caption      ("--to")
 *   z_0 = CLIP text embedding of the current caption                ("--from")
 *   d   = (z_t − z_0) / |z_t − z_0|
 *   z_θ = slerp(z_i, |z_i|·d, θ)        for each amount θ (the paper uses θ ∈ [0.25, 0.50])
 * </pre>
 * The paper's embeddings lie on the unit sphere, where this is its {@code slerp(z_i, z_d, θ)}; Karlo's
 * image embeddings are not normalised, so d is scaled to |z_i| and every z_θ keeps the picture's
 * norm. θ = 0 gives z_i exactly. Each z_θ is decoded with the same noise ({@link FrameDecoder}); the
 * paper starts the decoder from the DDIM inversion of the picture, Karlo has no inversion, so the
 * edits start from shared fresh noise and θ = 0 is the picture's plain variation.
 */
public final class TextDiff {
    private final Backend backend;
    private final PromptEncoder prompts;
    private final FrameDecoder frames;

    public TextDiff(Backend backend, PromptEncoder prompts, FrameDecoder frames) {
        this.backend = backend;
        this.prompts = prompts;
        this.frames = frames;
    }

    /** d = normalize(z_t − z_0). */
    public static Tensor direction(Tensor target, Tensor current) {
        double[] t = target.toDoubleArray(), c = current.toDoubleArray();
        float[] diff = new float[t.length];
        for (int i = 0; i < diff.length; i++) diff[i] = (float) (t[i] - c[i]);
        double n = Slerp.norm(Tensor.of(diff, target.shape()));
        if (n == 0) throw new IllegalArgumentException("the two captions have the same CLIP embedding: there is no direction to move in");
        return Slerp.scale(Tensor.of(diff, target.shape()), 1 / n);
    }

    /** z_θ = slerp(z_i, |z_i|·d, θ). */
    public static Tensor edit(Tensor imageEmbedding, Tensor direction, double amount) {
        return Slerp.slerp(imageEmbedding, Slerp.scale(direction, Slerp.norm(imageEmbedding)), amount);
    }

    /**
     * @param imageEmbedding host {@code [1, D]}
     * @param amounts        θ values, each in [0, 1]
     */
    public List<FrameDecoder.Frame> run(Tensor imageEmbedding, String from, String to, double[] amounts, SamplingSettings s,
                                        NoiseSource noise, StepListener listener) {
        if (amounts.length == 0) throw new IllegalArgumentException("no amounts given");
        for (double a : amounts) {
            if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("text-diff amounts must lie in [0, 1], got " + a);
        }
        Tensor txt = backend.download(prompts.encode(List.of(to, from)).text().txtFeat());
        Tensor d = direction(txt.slice(0, 0, 1).contiguous(), txt.slice(0, 1, 2).contiguous());
        List<Tensor> edited = new ArrayList<>();
        for (double a : amounts) edited.add(edit(imageEmbedding, d, a));
        return frames.decode(amounts, edited, s, noise, listener);
    }
}
