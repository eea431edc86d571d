package unclip4j.diffusion;

/**
 * A reverse process ended in NaN or infinite values. Nothing downstream can use such a sample (a
 * NaN picture is written as black), so the run stops and says which stage diverged, instead of
 * writing a picture and a manifest that look like results.
 */
public final class NonFiniteSampleException extends IllegalStateException {
    public NonFiniteSampleException(String stage, long bad, long total, int steps) {
        super(stage + ": " + bad + " of " + total + " values of the sample are NaN or infinite after " + steps + " steps: "
                + "are the weights and the noise finite, and the guidance scale not so large that it overflows? "
                + "('unclip4j inspect --strict FILE' checks a checkpoint; "
                + "--trace-dir records every step)");
    }
}
