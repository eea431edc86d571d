package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.tensor.Tensor;

/**
 * Prior sampling with CLIP reranking (DALL-E 2 paper §5): draw K image embeddings per prompt and
 * keep the one most similar (cosine) to the prompt's CLIP text embedding {@code txt_feat}. With
 * K = 1 it is the plain prior, drawing exactly what {@link TextToImage} draws.
 */
public final class Rerank {
    /**
     * The kept embeddings {@code [rows, D]} (host), the index of each among its K samples, and its similarity
     * (library API: {@code generate --rerank} uses the embeddings only).
     */
    public record Result(Tensor embeddings, int[] chosen, double[] similarity) {}

    private final Backend backend;
    private final PromptEncoder prompts;
    private final PriorDiffusionModel prior;

    public Rerank(Backend backend, PromptEncoder prompts, PriorDiffusionModel prior) {
        this.backend = backend;
        this.prompts = prompts;
        this.prior = prior;
    }

    /**
     * One embedding per row; the K candidates of row r are rows j·rows + r (j &lt; K) of one prior batch:
     * the batch repeated K times, so that each row's draws are its own ({@link unclip4j.diffusion.SeededNoise}).
     */
    public Result sample(List<String> rows, int k, SamplingSettings s, NoiseSource noise, StepListener listener) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no prompt given");
        if (k < 1) throw new IllegalArgumentException("rerank needs at least 1 sample per prompt, got " + k);
        List<String> expanded = new ArrayList<>();
        for (int j = 0; j < k; j++) expanded.addAll(rows);
        PromptEncoder.Encoded text = prompts.encodeGuided(expanded);
        Tensor candidates = backend.download(prior.sample(text.text(), s.priorGuidance(), s.priorRespacing(), s.ddimEta(), noise, listener));
        Tensor txt = backend.download(text.text().txtFeat());
        int d = candidates.dim(1);
        float[] kept = new float[rows.size() * d];
        int[] chosen = new int[rows.size()];
        double[] similarity = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            similarity[r] = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                int row = j * rows.size() + r;
                double c = ClipSimilarity.cosine(candidates.slice(0, row, row + 1), txt.slice(0, row, row + 1))[0][0];
                if (c > similarity[r]) {
                    similarity[r] = c;
                    chosen[r] = j;
                }
            }
            System.arraycopy(candidates.select(0, chosen[r] * rows.size() + r).toFloatArray(), 0, kept, r * d, d);
        }
        return new Result(Tensor.of(kept, rows.size(), d), chosen, similarity);
    }
}
