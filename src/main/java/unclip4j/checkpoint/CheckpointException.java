package unclip4j.checkpoint;

/**
 * The one exception for unreadable, malformed, hostile or mismatched checkpoints. Its message is
 * a single line that names the file and what is wrong with it; loaders never let another exception
 * type escape for bad input.
 */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
