package unclip4j.cli;

import java.nio.file.Path;
import java.util.List;
import unclip4j.checkpoint.ModelDirectory.Part;

/**
 * A command whose runs write a manifest with their arguments ({@link RunManifest}), so that
 * {@code redo} can run them again: what {@link Rerun} asks of it before the rerun starts.
 */
interface RecordedCommand {
    /** The model options as parsed. */
    ModelOptions modelOptions();

    /** The model parts a run reads. */
    List<Part> parts();

    /** The checks of the options' values that read no file: redo runs them before it hashes the model. */
    void checkOptions();

    /** The files this run would write that exist already (redo refuses to write over the run it redoes). */
    List<Path> existingOutputs();
}
