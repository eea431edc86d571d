package unclip4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import unclip4j.tensor.DType;
import unclip4j.tensor.Half;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Tensor;

/**
 * Materialises any host view (slice, transpose, permute, expand) as a fresh row-major tensor, either
 * keeping the dtype or widening F16/BF16 to F32. Works row by row along the last axis, rows in parallel;
 * a row with unit stride is one bulk copy.
 */
final class StridedCopy {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort H = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private StridedCopy() {}

    /** A contiguous copy with the same dtype. */
    static Tensor contiguous(Tensor t) {
        Tensor out = Tensor.zeros(t.dtype(), t.shape());
        int es = t.dtype().byteSize();
        MemorySegment dst = out.segment();
        forEachRow(t, (src, srcElem, stride, dstElem, n) -> {
            if (stride == 1) {
                MemorySegment.copy(src, srcElem * es, dst, dstElem * es, (long) n * es);
            } else {
                for (int i = 0; i < n; i++) MemorySegment.copy(src, (srcElem + (long) i * stride) * es, dst, (dstElem + i) * es, es);
            }
        });
        return out;
    }

    /** The tensor itself if it is already contiguous F32, else a contiguous F32 copy (F16/BF16 widened exactly). */
    static Tensor f32(Tensor t) {
        if (t.dtype() == DType.F32 && t.isContiguous()) return t;
        DType dt = t.dtype();
        if (dt != DType.F32 && dt != DType.F16 && dt != DType.BF16) throw new IllegalArgumentException("expected a float tensor (F32, F16, BF16), got " + t);
        Tensor out = Tensor.zeros(DType.F32, t.shape());
        MemorySegment dst = out.segment();
        forEachRow(t, (src, srcElem, stride, dstElem, n) -> {
            for (int i = 0; i < n; i++) {
                long e = srcElem + (long) i * stride;
                float v = switch (dt) {
                    case F32 -> src.getAtIndex(F, e);
                    case F16 -> Float.float16ToFloat(src.getAtIndex(H, e));
                    default -> Half.bf16ToFloat(src.getAtIndex(H, e));
                };
                dst.setAtIndex(F, dstElem + i, v);
            }
        });
        return out;
    }

    /** One run along the last axis: source element index and stride in the storage, destination element index, length. */
    @FunctionalInterface
    private interface RowCopy {
        void copy(MemorySegment src, long srcElem, long stride, long dstElem, int n);
    }

    private static void forEachRow(Tensor t, RowCopy body) {
        if (!(t.storage() instanceof HostStorage hs)) throw new IllegalArgumentException("tensor " + t + " is not on the host");
        if (t.numel() == 0) return;
        long[] shape = t.shape(), strides = t.strides();
        int rank = shape.length;
        int inner = rank == 0 ? 1 : Math.toIntExact(shape[rank - 1]);
        long innerStride = rank == 0 ? 1 : strides[rank - 1];
        int rows = Math.toIntExact(t.numel() / inner);
        MemorySegment src = hs.segment();
        Parallel.forRange(rows, Math.max(1, GRAIN_ELEMENTS / inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                long elem = t.offset(), rest = r;
                for (int d = rank - 2; d >= 0; d--) {
                    elem += (rest % shape[d]) * strides[d];
                    rest /= shape[d];
                }
                body.copy(src, elem, innerStride, (long) r * inner, inner);
            }
        });
    }
}
