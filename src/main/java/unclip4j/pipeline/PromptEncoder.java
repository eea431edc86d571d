package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.model.clip.ClipTextEncoder;
import unclip4j.model.clip.ClipTokenizer;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.clip.TokenizedBatch;
import unclip4j.tensor.Tensor;

/**
 * Tokenizes and encodes the text rows of a guided batch in Karlo's order: the B conditional
 * prompts first, then B empty prompts for the unconditional half.
 */
public final class PromptEncoder {
    /** A guided batch's text: its tokens and what CLIP made of them. */
    public record Encoded(TokenizedBatch tokens, TextConditioning text) {}

    private final Backend backend;
    private final ClipTextEncoder encoder;
    private final int contextLength;

    public PromptEncoder(Backend backend, ClipTextEncoder encoder, int contextLength) {
        this.backend = backend;
        this.encoder = encoder;
        this.contextLength = contextLength;
    }

    /** Rows {@code [prompts..., "" × prompts.size()]}. */
    public Encoded encodeGuided(List<String> prompts) {
        List<String> rows = new ArrayList<>(prompts);
        rows.addAll(Collections.nCopies(prompts.size(), ""));
        return encode(rows);
    }

    public Encoded encode(List<String> rows) {
        return encode(ClipTokenizer.get().paddedTokensAndMask(rows, contextLength));
    }

    /** As {@link #encode(List)}, for rows already tokenized. */
    public Encoded encode(TokenizedBatch tokens) {
        ClipTextEncoder.Encoded e = encoder.encode(tokens.tokensTensor());
        Tensor mask = tokens.maskTensor();
        return new Encoded(tokens, new TextConditioning(e.txtFeat(), e.txtFeatSeq(), backend.upload(mask)));
    }
}
