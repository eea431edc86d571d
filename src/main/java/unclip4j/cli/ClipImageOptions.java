package unclip4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;

/** How image files become CLIP's input: decoding (PNG, JPEG, BMP, GIF or TIFF) and {@code --preprocess karlo|clip}. */
public final class ClipImageOptions {
    enum Preprocess { karlo, clip }

    @Option(names = "--preprocess", paramLabel = "karlo|clip", defaultValue = "karlo",
            description = "karlo: squash to the encoder's square (Karlo's image variations); clip: short side, then centre crop (openai/CLIP, diffusers). Default: ${DEFAULT-VALUE}.")
    Preprocess preprocess;

    /** The picture as 8-bit RGB; an unreadable, corrupt or unsupported file is a user error naming it. */
    public RgbImage read(Path file) {
        try {
            return Images.read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public ClipImageTransform transform(int resolution) {
        return new ClipImageTransform(resolution, switch (preprocess) {
            case karlo -> ClipImageTransform.Resize.SQUASH;
            case clip -> ClipImageTransform.Resize.SHORT_SIDE_CENTER_CROP;
        });
    }

    public String name() {
        return preprocess.name();
    }
}
