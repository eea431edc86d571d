package unclip4j.model.clip;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Params;
import unclip4j.tensor.Tensor;

/**
 * The text half of CLIP, as Karlo's {@code karlo/models/clip.py CustomizedCLIP.encode_text} runs it
 * (spec §3): token + positional embedding, a causal {@link Transformer}, {@code ln_final}; returns
 * both the projected EOT feature and the whole unprojected sequence. Keys sit at the root of the
 * CLIP state dict.
 */
public final class ClipTextEncoder {
    /**
     * txtFeat {@code [N, E]} = ln_final(x)[n, argmax tok[n]] · text_projection;
     * txtFeatSeq {@code [N, ctx, W]} = ln_final(x) (every position, unprojected). Neither is L2-normalised.
     */
    public record Encoded(Tensor txtFeat, Tensor txtFeatSeq) {}

    private final Backend backend;
    private final Tensor tokenEmbedding;      // token_embedding.weight [vocab, W]
    private final Tensor positionalEmbedding; // positional_embedding [ctx, W]
    private final Transformer transformer;    // transformer
    private final LayerNorm lnFinal;          // ln_final
    private final Tensor textProjection;      // text_projection [W, E]: right-multiplied, x·P (§14.13)
    private final int contextLength;

    public ClipTextEncoder(Backend backend, Weights w, int vocabSize, int contextLength, int width, int layers, int heads,
            int embedDim) {
        this.backend = backend;
        this.tokenEmbedding = Params.load(backend, w, "token_embedding.weight", vocabSize, width);
        this.positionalEmbedding = Params.loadActivation(backend, w, "positional_embedding", contextLength, width);
        this.transformer = new Transformer(backend, w.at("transformer"), width, layers, heads, true);
        this.lnFinal = new LayerNorm(backend, w.at("ln_final"), width);
        this.textProjection = Params.load(backend, w, "text_projection", width, embedDim);
        this.contextLength = contextLength;
    }

    /** tokens {@code [N, ctx]} (I32 or I64, host): padded token ids, EOT (the largest id) marking the pooled position. */
    public Encoded encode(Tensor tokens) {
        if (tokens.rank() != 2 || tokens.size(1) != contextLength) {
            throw new IllegalArgumentException("tokens must be [N, " + contextLength + "], got " + tokens);
        }
        long n = tokens.size(0);
        Tensor x = backend.add(backend.embedding(tokenEmbedding, backend.upload(tokens)), positionalEmbedding);
        Tensor seq = lnFinal.forward(transformer.forward(x)); // [N, ctx, W]
        // x_seq[arange(N), tok.argmax(-1)]: a row gather from the [N·ctx, W] view of the sequence
        Tensor eot = backend.embedding(seq.reshape(n * contextLength, -1), backend.upload(eotRows(backend.download(tokens))));
        return new Encoded(backend.matmul(eot, textProjection), seq);
    }

    /** n·ctx + argmax_j tok[n, j] for every row (the first maximum, as torch's argmax); tokens on the host. */
    private static Tensor eotRows(Tensor tokens) {
        long n = tokens.size(0), ctx = tokens.size(1);
        long[] rows = new long[Math.toIntExact(n)];
        for (int i = 0; i < n; i++) {
            long best = 0;
            for (long j = 1; j < ctx; j++) {
                if (tokens.getLong(i, j) > tokens.getLong(i, best)) best = j;
            }
            rows[i] = i * ctx + best;
        }
        return Tensor.ofLongs(rows, n);
    }
}
