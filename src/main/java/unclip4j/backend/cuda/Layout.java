package unclip4j.backend.cuda;

import unclip4j.tensor.Tensor;

/**
 * A view's shape and element strides as the kernels' {@code struct Layout} (kernels/common.cuh):
 * {@code long long shape[8], stride[8], rank}, passed by value as 17 longs.
 */
final class Layout {
    static final int MAX_RANK = 8;

    private Layout() {}

    static long[] of(Tensor view) {
        return of(view.shape(), view.strides());
    }

    static long[] of(long[] shape, long[] strides) {
        if (shape.length > MAX_RANK) throw new IllegalArgumentException("CUDA kernels take views up to rank " + MAX_RANK + ", got " + shape.length);
        long[] packed = new long[2 * MAX_RANK + 1];
        for (int d = 0; d < shape.length; d++) {
            packed[d] = shape[d];
            packed[MAX_RANK + d] = strides[d];
        }
        packed[2 * MAX_RANK] = shape.length;
        return packed;
    }
}
