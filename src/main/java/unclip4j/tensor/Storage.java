package unclip4j.tensor;

/** The memory behind one or more tensors (views share it). */
public interface Storage {
    Device device();

    long byteSize();
}
