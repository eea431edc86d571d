package unclip4j.checkpoint;

import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;

/** What a checkpoint says about one tensor, known without reading its data. */
public record TensorInfo(String name, DType dtype, long[] shape) {
    public TensorInfo {
        shape = shape.clone();
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public long byteSize() {
        return numel() * dtype.byteSize();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Shape.toString(shape);
    }
}
