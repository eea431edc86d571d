package unclip4j.tensor;

import java.util.Arrays;

/** Static helpers for shapes (long[]) and strides. */
public final class Shape {
    private Shape() {}

    /** Number of elements; throws on negative dims or overflow (hostile checkpoints declare such shapes). */
    public static long numel(long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major (C order) strides in elements. */
    public static long[] contiguousStrides(long... shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    public static String toString(long... shape) {
        return Arrays.toString(shape);
    }

    /** NumPy-style broadcast of two shapes; throws if they are incompatible. */
    public static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + toString(a) + " and " + toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves one -1 entry of a requested reshape against the element count. */
    public static long[] inferReshape(long numel, long... shape) {
        long[] out = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("more than one -1 in " + toString(shape));
                unknown = i;
            } else {
                known = Math.multiplyExact(known, out[i]);
            }
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + toString(shape));
            out[unknown] = numel / known;
        } else if (known != numel) {
            throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + toString(shape));
        }
        return out;
    }
}
