package unclip4j.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --max-batch N}, for the commands whose pictures are independent (generate, vary, decode):
 * draw at most N pictures at a time. Each picture draws from its own seed, and the CPU's arithmetic
 * for one picture does not depend on the batch, so on the CPU the pictures are the same bits for any
 * N (on CUDA the same up to rounding: its kernels pick tiles by shape).
 */
public final class MaxBatchOption {
    @Option(names = "--max-batch", paramLabel = "N",
            description = "Draw at most N pictures at a time: the sampling's working memory is one batch's. With --grid false each "
                    + "batch's PNGs are written as soon as it is drawn (and kept in memory only for --save-tensor), so a long run keeps "
                    + "what it finished. Each picture draws from its own seed, so they are the same for any N: bit for bit on the CPU, "
                    + "up to rounding on CUDA. Default: all at once.")
    Integer maxBatch;

    /** Checks N and that the noise can be drawn in parts (recorded or replayed draws are one batch's). */
    void check(int pictures, NoiseOptions noise) {
        if (maxBatch != null && maxBatch < 1) throw new IllegalArgumentException("--max-batch must be at least 1, got " + maxBatch);
        if (batches(pictures) > 1 && !noise.seedsOnly()) {
            throw new IllegalArgumentException("--noise and --save-noise hold the draws of one batch; drop --max-batch or raise it to "
                    + pictures + " (all pictures at once)");
        }
    }

    /** How many batches the pictures are drawn in (of nearly equal size). */
    int batches(int pictures) {
        return maxBatch == null ? 1 : Math.ceilDiv(pictures, maxBatch);
    }

    /** Records the limit in the manifest when it split the run. */
    void addTo(Map<String, Object> facts, int pictures) {
        if (batches(pictures) > 1) facts.put("max_batch", maxBatch);
    }
}
