package unclip4j.config;

/**
 * A config value the engine cannot build or sample, by the key it is read under in Karlo's YAML
 * (openai/CLIP's names for {@link ClipConfig}), so that a reader of another format (diffusers'
 * config.json) can name its own key instead.
 */
public final class InvalidSetting extends IllegalArgumentException {
    private final String key;
    private final String problem;

    InvalidSetting(String key, String problem) {
        super(key + " " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** The Karlo key, e.g. {@code num_res_blocks} or {@code diffusion.steps}. */
    public String key() {
        return key;
    }

    /** What is wrong with it, to follow the key: e.g. "is 0, outside 1..64". */
    public String problem() {
        return problem;
    }
}
