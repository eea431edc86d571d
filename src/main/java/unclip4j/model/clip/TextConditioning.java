package unclip4j.model.clip;

import unclip4j.tensor.Tensor;

/**
 * What the prior and decoder read of a batch of prompts: CLIP's projected {@code txt_feat [N, D]},
 * the unprojected {@code txt_feat_seq [N, 77, W]} and the token mask {@code [N, 77]} (U8/BOOL, host).
 * In guided batches rows 0..B-1 hold the prompts and rows B..2B-1 the empty prompt (Karlo's order).
 */
public record TextConditioning(Tensor txtFeat, Tensor txtFeatSeq, Tensor mask) {
    public long rows() {
        return txtFeat.size(0);
    }
}
