package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.ConvertedLayout;
import unclip4j.checkpoint.FiniteCheck;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.tensor.DType;

/** {@code unclip4j convert --model DIR --out DIR}: any layout → ours (safetensors per component, Karlo names, YAML configs). */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Karlo or diffusers model to unclip4j's layout (zero-copy loadable safetensors + YAML configs).")
public final class ConvertCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", description = "Store floating-point weights in this type (default: as stored).")
    Precision dtype;

    @Option(names = "--strict", description = "Fail when a weight is NaN or infinite (default: warn).")
    boolean strict;

    @Option(names = "--force", description = "Overwrite the files of an earlier conversion in --out.")
    boolean force;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + ": exists and is not a directory");
        ModelDirectory dir = model.open(); // components are read later: opening costs nothing
        refuseConvertingInPlace(dir); // first: --force would not help
        checkOut();
        for (Part part : List.of(Part.CLIP, Part.PRIOR, Part.DECODER, Part.SR)) {
            List<String> bad = FiniteCheck.nonFinite(dir.weights(part));
            if (bad.isEmpty()) continue;
            String msg = part.name().toLowerCase() + ": " + bad.size() + " tensor(s) hold NaN or Inf: " + String.join(", ", bad.subList(0, Math.min(5, bad.size())));
            if (strict) throw new CheckpointException(msg);
            spec.commandLine().getErr().println("warning: " + msg);
        }
        DType target = dtype == null ? null : dtype.storage();
        PrintWriter pw = spec.commandLine().getOut();
        for (Path p : ConvertedLayout.write(dir, out, target)) pw.println("wrote " + p);
        return 0;
    }

    /**
     * Converting into the model's own folder would turn it into another layout, and could replace the
     * files being converted (a Karlo folder's prior.yaml, say).
     */
    private void refuseConvertingInPlace(ModelDirectory dir) {
        if (!Files.isDirectory(out)) return;
        if (dir.dir() != null && sameFile(out, dir.dir())) {
            throw new IllegalArgumentException("--out " + out + " is the model directory itself; convert into another folder");
        }
        for (Part part : Part.values()) {
            for (Path read : dir.files(part)) {
                for (Path written : ConvertedLayout.files(out)) {
                    if (Files.exists(written) && sameFile(written, read)) {
                        throw new IllegalArgumentException("--out " + out + ": the conversion would write over " + read + ", which it reads");
                    }
                }
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(a + ": cannot compare with " + b + " (" + e.getMessage() + ")", e);
        }
    }

    /** Before any work: --out is a directory or can become one, and holds no earlier conversion unless --force. */
    private void checkOut() {
        if (force) return;
        for (Path f : ConvertedLayout.files(out)) {
            if (Files.exists(f)) throw new IllegalArgumentException(f + ": exists; use --force to overwrite");
        }
    }
}
