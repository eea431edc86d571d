package unclip4j.pipeline;

/**
 * Per-stage respacing and guidance of a generation. Karlo's presets: "fast" = prior 25, decoder 25,
 * SR 7 steps; "default" = 25 / 50 / 7; guidance prior 4.0, decoder 8.0, SR none.
 */
public record SamplingSettings(String priorRespacing, String decoderRespacing, String srRespacing,
                               float priorGuidance, float decoderGuidance) {

    public SamplingSettings {
        checkGuidance("prior", priorGuidance);
        checkGuidance("decoder", decoderGuidance);
    }

    public static SamplingSettings fast() {
        return new SamplingSettings("25", "25", "7", 4f, 8f);
    }

    public static SamplingSettings quality() {
        return new SamplingSettings("25", "50", "7", 4f, 8f);
    }

    private static void checkGuidance(String stage, float s) {
        if (!Float.isFinite(s) || s < 0) throw new IllegalArgumentException(stage + " guidance must be a finite number >= 0, got " + s);
    }
}
