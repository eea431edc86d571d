package unclip4j.checkpoint;

import unclip4j.tensor.Tensor;

/**
 * The CLIP image-embedding statistics the prior works in ({@code ViT-L-14_stats.th}): after
 * sampling, {@code img_feat = x0 · std + mean}. Both are [clip_dim] as stored.
 */
public record ClipStats(Tensor mean, Tensor std) {
    public ClipStats {
        if (mean.rank() != 1 || !mean.sameShape(std)) {
            throw new CheckpointException("CLIP stats must be two vectors of one length, got " + mean + " and " + std);
        }
    }

    /** From a stats file: the tuple (mean, std) as entries "0", "1", or {@code clip_mean}, {@code clip_std} (our converted layout). */
    public static ClipStats fromStateDict(StateDict sd) {
        if (sd.size() == 2 && sd.contains("0") && sd.contains("1")) return new ClipStats(sd.get("0"), sd.get("1"));
        if (sd.size() == 2 && sd.contains("clip_mean") && sd.contains("clip_std")) return new ClipStats(sd.get("clip_mean"), sd.get("clip_std"));
        throw new CheckpointException(sd.source() + ": a CLIP stats file holds the tuple (mean, std), found " + sd.keys());
    }
}
