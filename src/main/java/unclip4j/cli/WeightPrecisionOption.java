package unclip4j.cli;

import picocli.CommandLine.Option;
import unclip4j.tensor.DType;

/** {@code --dtype f32|f16|bf16}: the precision a run keeps the model's weights in. */
public final class WeightPrecisionOption {
    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", defaultValue = "f32",
            description = "Precision the weights are kept in: f32, or f16/bf16 for half the memory. The arithmetic is f32 "
                    + "with f32 accumulation on every backend (half-precision weights are widened as they are used). Default: ${DEFAULT-VALUE}.")
    Precision dtype;

    /** The type the weights are stored in. */
    DType storage() {
        return dtype.storage();
    }

    /** The manifest's name for it (f32, f16, bf16). */
    String manifestName() {
        return dtype.name();
    }
}
