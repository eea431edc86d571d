package unclip4j.tensor;

/** Element types a tensor can hold, with their size in bytes and the safetensors / PyTorch names. */
public enum DType {
    F32(4, "F32"),
    F16(2, "F16"),
    BF16(2, "BF16"),
    F64(8, "F64"),
    I32(4, "I32"),
    I64(8, "I64"),
    U8(1, "U8"),
    BOOL(1, "BOOL");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers ("F32", "BF16", ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Parses a safetensors dtype string; returns null for one we do not support. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        return null;
    }
}
