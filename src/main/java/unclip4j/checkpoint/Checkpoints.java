package unclip4j.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens one checkpoint file of any supported format by its content, not its extension. */
public final class Checkpoints {
    private Checkpoints() {}

    /** The file's format, for messages and {@code inspect}. */
    public static String format(Path file) {
        if (isSafetensors(file)) return "safetensors";
        TorchZip torch = TorchZip.open(file);
        return torch.isTorchScript() ? "TorchScript archive" : "PyTorch zip";
    }

    /** safetensors ({@code .safetensors}) or a PyTorch zip ({@code .ckpt .pt .bin .th}); tensors under the file's own names. */
    public static StateDict read(Path file) {
        if (isSafetensors(file)) return SafetensorsFile.open(file).tensors();
        return TorchCheckpoint.read(file);
    }

    /**
     * By content first; a file that is neither (say, a safetensors header that is a JSON array) goes to the
     * loader its name suggests, so the error is the safetensors parser's, not "no zip header".
     */
    private static boolean isSafetensors(Path file) {
        if (SafetensorsFile.looksLikeSafetensors(file)) return true;
        return file.getFileName().toString().endsWith(".safetensors") && !startsLikeZip(file);
    }

    private static boolean startsLikeZip(Path file) {
        if (!Files.isRegularFile(file)) return false; // the loader says what it is
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && b[0] == 'P' && b[1] == 'K';
        } catch (IOException e) {
            return false;
        }
    }
}
