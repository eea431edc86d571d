package unclip4j.cli;

import unclip4j.tensor.DType;

/** The {@code --dtype} values: the floating-point type weights are stored or kept in. */
public enum Precision {
    f32(DType.F32),
    f16(DType.F16),
    bf16(DType.BF16);

    private final DType storage;

    Precision(DType storage) {
        this.storage = storage;
    }

    public DType storage() {
        return storage;
    }
}
