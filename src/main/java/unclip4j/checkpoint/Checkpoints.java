package unclip4j.checkpoint;

import java.nio.file.Path;

/** Opens one checkpoint file of any supported format by its content, not its extension. */
public final class Checkpoints {
    private Checkpoints() {}

    /** The file's format, for messages and {@code inspect}. */
    public static String format(Path file) {
        if (SafetensorsFile.looksLikeSafetensors(file)) return "safetensors";
        TorchZip torch = TorchZip.open(file);
        return torch.isTorchScript() ? "TorchScript archive" : "PyTorch zip";
    }

    /** safetensors ({@code .safetensors}) or a PyTorch zip ({@code .ckpt .pt .bin .th}); tensors under the file's own names. */
    public static StateDict read(Path file) {
        if (SafetensorsFile.looksLikeSafetensors(file)) return SafetensorsFile.open(file).tensors();
        return TorchCheckpoint.read(file);
    }
}
