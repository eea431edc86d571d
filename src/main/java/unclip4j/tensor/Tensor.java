package unclip4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.DoublePredicate;

/**
 * An n-dimensional array: dtype, shape, strides (in elements) and an element offset into a
 * {@link Storage}. Views (reshape of contiguous data, slice, transpose, permute, unsqueeze) share
 * the storage; {@link #contiguous()} materialises a row-major copy when an op needs one.
 *
 * <p>Host tensors live off-heap in a {@link MemorySegment}, so multi-GiB tensors and memory-mapped
 * weights work without copies. Element access helpers here are for setup, tests and small tensors;
 * the backends work on segments directly.
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private final Storage storage;
    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    private final long offset;

    public Tensor(Storage storage, DType dtype, long offset, long[] shape, long[] strides) {
        if (shape.length != strides.length) throw new IllegalArgumentException("shape and strides differ in rank");
        Shape.numel(shape); // validates
        this.storage = storage;
        this.dtype = dtype;
        this.offset = offset;
        this.shape = shape.clone();
        this.strides = strides.clone();
    }

    // ---------------------------------------------------------------- creation

    /** A zero-filled, contiguous host tensor. */
    public static Tensor zeros(DType dtype, long... shape) {
        long bytes = Math.multiplyExact(Shape.numel(shape), dtype.byteSize());
        return new Tensor(HostStorage.allocate(bytes), dtype, 0, shape, Shape.contiguousStrides(shape));
    }

    /** A contiguous host tensor over existing memory (no copy); the segment must hold the whole tensor. */
    public static Tensor wrap(MemorySegment segment, DType dtype, long... shape) {
        long bytes = Math.multiplyExact(Shape.numel(shape), dtype.byteSize());
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + dtype + Shape.toString(shape) + " (" + bytes + " bytes)");
        }
        return new Tensor(new HostStorage(segment), dtype, 0, shape, Shape.contiguousStrides(shape));
    }

    public static Tensor of(float[] data, long... shape) {
        Tensor t = zeros(DType.F32, shape.length == 0 && data.length != 1 ? new long[] {data.length} : shape);
        if (t.numel() != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Shape.toString(shape));
        MemorySegment.copy(data, 0, t.segment(), F32, 0, data.length);
        return t;
    }

    public static Tensor ofInts(int[] data, long... shape) {
        Tensor t = zeros(DType.I32, shape);
        if (t.numel() != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Shape.toString(shape));
        MemorySegment.copy(data, 0, t.segment(), I32, 0, data.length);
        return t;
    }

    public static Tensor ofLongs(long[] data, long... shape) {
        Tensor t = zeros(DType.I64, shape);
        if (t.numel() != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Shape.toString(shape));
        MemorySegment.copy(data, 0, t.segment(), I64, 0, data.length);
        return t;
    }

    public static Tensor ofBytes(byte[] data, DType dtype, long... shape) {
        Tensor t = zeros(dtype, shape);
        if (t.numel() * dtype.byteSize() != data.length) throw new IllegalArgumentException(data.length + " bytes for " + dtype + Shape.toString(shape));
        MemorySegment.copy(data, 0, t.segment(), ValueLayout.JAVA_BYTE, 0, data.length);
        return t;
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() { return dtype; }
    public Storage storage() { return storage; }
    public Device device() { return storage.device(); }
    public long offset() { return offset; }
    public int rank() { return shape.length; }
    public long[] shape() { return shape.clone(); }
    public long[] strides() { return strides.clone(); }
    public long numel() { return Shape.numel(shape); }
    public long byteSize() { return numel() * dtype.byteSize(); }

    /** Size of dimension d; negative d counts from the end. */
    public long size(int d) { return shape[axis(d)]; }

    public long stride(int d) { return strides[axis(d)]; }

    /** Size of dimension d as an int (throws if it does not fit). */
    public int dim(int d) { return Math.toIntExact(size(d)); }

    public int axis(int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) throw new IllegalArgumentException("axis " + d + " out of range for rank " + shape.length);
        return a;
    }

    public boolean isContiguous() {
        if (numel() == 0) return true; // no element to be out of place (strides of empty tensors are arbitrary)
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    /** The host segment of a contiguous tensor, exactly its bytes. */
    public MemorySegment segment() {
        if (!(storage instanceof HostStorage hs)) throw new IllegalStateException("tensor is on " + device() + ", not the host");
        if (!isContiguous()) throw new IllegalStateException("segment() needs a contiguous tensor; call contiguous() first");
        return hs.segment().asSlice(offset * dtype.byteSize(), byteSize());
    }

    // ---------------------------------------------------------------- views

    /** Same data, new shape (one entry may be -1). Copies first only if this view is not contiguous. */
    public Tensor reshape(long... newShape) {
        long[] s = Shape.inferReshape(numel(), newShape);
        Tensor src = isContiguous() ? this : contiguous();
        return new Tensor(src.storage, dtype, src.offset, s, Shape.contiguousStrides(s));
    }

    /** Elements [start, end) along dim, as a view. */
    public Tensor slice(int dim, long start, long end) {
        int a = axis(dim);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IllegalArgumentException("slice [" + start + "," + end + ") out of range for size " + shape[a]);
        }
        long[] s = shape.clone();
        s[a] = end - start;
        return new Tensor(storage, dtype, offset + start * strides[a], s, strides);
    }

    /** Index i along dim, removing that dim. */
    public Tensor select(int dim, long i) {
        int a = axis(dim);
        Tensor t = slice(a, i, i + 1);
        return t.squeeze(a);
    }

    public Tensor transpose(int d0, int d1) {
        int a = axis(d0), b = axis(d1);
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    public Tensor permute(int... perm) {
        if (perm.length != shape.length) throw new IllegalArgumentException("permute needs " + shape.length + " axes");
        long[] s = new long[perm.length], st = new long[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = axis(perm[i]);
            if (seen[p]) throw new IllegalArgumentException("axis repeated in permute " + Arrays.toString(perm));
            seen[p] = true;
            s[i] = shape[p];
            st[i] = strides[p];
        }
        return new Tensor(storage, dtype, offset, s, st);
    }

    public Tensor unsqueeze(int dim) {
        int a = dim < 0 ? dim + shape.length + 1 : dim;
        long[] s = new long[shape.length + 1], st = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == a) {
                s[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new Tensor(storage, dtype, offset, s, st);
    }

    public Tensor squeeze(int dim) {
        int a = axis(dim);
        if (shape[a] != 1) throw new IllegalArgumentException("cannot squeeze axis " + dim + " of size " + shape[a]);
        long[] s = new long[shape.length - 1], st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == a) continue;
            s[j] = shape[i];
            st[j++] = strides[i];
        }
        return new Tensor(storage, dtype, offset, s, st);
    }

    /** Broadcast view to a larger shape (stride 0 on expanded axes), NumPy rules. */
    public Tensor expand(long... target) {
        if (target.length < shape.length) throw new IllegalArgumentException("expand cannot drop axes");
        long[] st = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (i < lead) {
                st[i] = 0;
            } else {
                long d = shape[i - lead];
                if (d == target[i]) st[i] = strides[i - lead];
                else if (d == 1) st[i] = 0;
                else throw new IllegalArgumentException("cannot expand " + Shape.toString(shape) + " to " + Shape.toString(target));
            }
        }
        return new Tensor(storage, dtype, offset, target, st);
    }

    /** This tensor if contiguous, else a row-major host copy. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return copy();
    }

    /** A fresh contiguous host copy with the same dtype. */
    public Tensor copy() {
        requireHost();
        Tensor out = zeros(dtype, shape);
        MemorySegment src = ((HostStorage) storage).segment(), dst = out.segment();
        int es = dtype.byteSize();
        long n = numel();
        long[] idx = new long[shape.length];
        for (long i = 0; i < n; i++) {
            MemorySegment.copy(src, elementByteOffset(idx), dst, i * es, es);
            increment(idx);
        }
        return out;
    }

    // ---------------------------------------------------------------- element access (host)

    /** Byte offset in the storage of the element at a multi-index. */
    public long elementByteOffset(long... idx) {
        long e = offset;
        for (int i = 0; i < idx.length; i++) e += idx[i] * strides[i];
        return e * dtype.byteSize();
    }

    public double getDouble(long... idx) {
        requireHost();
        return read(((HostStorage) storage).segment(), elementByteOffset(idx), dtype);
    }

    public float getFloat(long... idx) {
        return (float) getDouble(idx);
    }

    public long getLong(long... idx) {
        requireHost();
        MemorySegment s = ((HostStorage) storage).segment();
        long b = elementByteOffset(idx);
        return switch (dtype) {
            case I64 -> s.get(I64, b);
            case I32 -> s.get(I32, b);
            case U8, BOOL -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, b));
            default -> (long) read(s, b, dtype);
        };
    }

    public void setDouble(double v, long... idx) {
        requireHost();
        write(((HostStorage) storage).segment(), elementByteOffset(idx), dtype, v);
    }

    /** All elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        requireHost();
        long n = numel();
        float[] out = new float[Math.toIntExact(n)];
        if (dtype == DType.F32 && isContiguous()) {
            MemorySegment.copy(segment(), F32, 0, out, 0, out.length);
            return out;
        }
        MemorySegment s = ((HostStorage) storage).segment();
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) read(s, elementByteOffset(idx), dtype);
            increment(idx);
        }
        return out;
    }

    public double[] toDoubleArray() {
        requireHost();
        double[] out = new double[Math.toIntExact(numel())];
        MemorySegment s = ((HostStorage) storage).segment();
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = read(s, elementByteOffset(idx), dtype);
            increment(idx);
        }
        return out;
    }

    /**
     * Whether p holds for an element, read as a double in row-major order. It stops at the first that does
     * and copies nothing, so it takes tensors of any size and any view.
     */
    public boolean anyMatch(DoublePredicate p) {
        requireHost();
        MemorySegment s = ((HostStorage) storage).segment();
        long n = numel();
        long[] idx = new long[shape.length];
        for (long i = 0; i < n; i++) {
            if (p.test(read(s, elementByteOffset(idx), dtype))) return true;
            increment(idx);
        }
        return false;
    }

    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(numel())];
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(idx);
            increment(idx);
        }
        return out;
    }

    /** A contiguous host copy converted to another dtype (float types round to nearest even). */
    public Tensor to(DType target) {
        requireHost();
        if (target == dtype) return contiguous();
        Tensor out = zeros(target, shape);
        MemorySegment s = ((HostStorage) storage).segment(), d = out.segment();
        long[] idx = new long[shape.length];
        long n = numel();
        boolean integral = !target.isFloatingPoint();
        for (long i = 0; i < n; i++) {
            long b = elementByteOffset(idx);
            if (integral && !dtype.isFloatingPoint()) {
                long v = getLong(idx);
                writeLong(d, i * target.byteSize(), target, v);
            } else {
                write(d, i * target.byteSize(), target, read(s, b, dtype));
            }
            increment(idx);
        }
        return out;
    }

    private void increment(long[] idx) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    private void requireHost() {
        if (!(storage instanceof HostStorage)) throw new IllegalStateException("tensor is on " + device() + ", not the host");
    }

    static double read(MemorySegment s, long byteOffset, DType dtype) {
        return switch (dtype) {
            case F32 -> s.get(F32, byteOffset);
            case F64 -> s.get(F64, byteOffset);
            case F16 -> Float.float16ToFloat(s.get(I16, byteOffset));
            case BF16 -> Half.bf16ToFloat(s.get(I16, byteOffset));
            case I32 -> s.get(I32, byteOffset);
            case I64 -> s.get(I64, byteOffset);
            case U8, BOOL -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, byteOffset));
        };
    }

    static void write(MemorySegment s, long byteOffset, DType dtype, double v) {
        switch (dtype) {
            case F32 -> s.set(F32, byteOffset, (float) v);
            case F64 -> s.set(F64, byteOffset, v);
            case F16 -> s.set(I16, byteOffset, Float.floatToFloat16((float) v));
            case BF16 -> s.set(I16, byteOffset, Half.floatToBf16((float) v));
            case I32 -> s.set(I32, byteOffset, (int) v);
            case I64 -> s.set(I64, byteOffset, (long) v);
            case U8, BOOL -> s.set(ValueLayout.JAVA_BYTE, byteOffset, (byte) (int) v);
        }
    }

    static void writeLong(MemorySegment s, long byteOffset, DType dtype, long v) {
        switch (dtype) {
            case I32 -> s.set(I32, byteOffset, (int) v);
            case I64 -> s.set(I64, byteOffset, v);
            case U8, BOOL -> s.set(ValueLayout.JAVA_BYTE, byteOffset, (byte) v);
            default -> write(s, byteOffset, dtype, v);
        }
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + Shape.toString(shape) + (device() == Device.CPU ? "" : ", " + device()) + ")";
    }
}
