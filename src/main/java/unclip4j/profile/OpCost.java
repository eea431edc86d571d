package unclip4j.profile;

import unclip4j.backend.OpShapes;
import unclip4j.tensor.Tensor;

/**
 * The arithmetic and memory traffic of one op call. FLOPs are counted only for the ops whose speed
 * is measured in FLOP/s (multiply-add = 2): matmul {@code 2·M·N·K}, conv {@code 2·N·Ho·Wo·Cin·Cout·k²},
 * attention {@code 2·B·H·Tq·Tk·(D + Dv)} (= {@code 4·B·H·Tq·Tk·D}, QKᵀ plus PV). Every other op is
 * memory-bound and gets FLOPs = 0. Bytes are the distinct elements read plus the output written:
 * a broadcast (stride-0) axis is read once.
 */
public record OpCost(double flops, double bytes) {
    public static OpCost matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor bias, Tensor c0, Tensor out) {
        OpShapes.Matmul m = OpShapes.matmul(a, transA, b, transB, bias, c0);
        return new OpCost(2.0 * m.batch() * m.m() * m.n() * m.k(), bytes(a, b, bias, c0, out));
    }

    public static OpCost conv2d(Tensor x, Tensor w, Tensor bias, Tensor out) {
        // out [N, Cout, Ho, Wo], w [Cout, Cin, k, k]: one multiply-add per output element and kernel tap
        double flops = 2.0 * out.size(0) * out.size(2) * out.size(3) * w.size(1) * w.size(0) * w.size(2) * w.size(3);
        return new OpCost(flops, bytes(x, w, bias, out));
    }

    public static OpCost attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out) {
        double flops = 2.0 * q.size(0) * q.size(1) * q.size(2) * k.size(2) * (q.size(3) + v.size(3));
        return new OpCost(flops, bytes(q, k, v, keyMask, out));
    }

    /** A memory-bound op: its inputs and output. */
    public static OpCost memory(Tensor out, Tensor... inputs) {
        return new OpCost(0, bytes(inputs) + bytes(out));
    }

    /** Bytes of the distinct elements of each tensor (nulls skipped). */
    static double bytes(Tensor... ts) {
        double sum = 0;
        for (Tensor t : ts) {
            if (t == null) continue;
            double n = t.dtype().byteSize();
            for (int d = 0; d < t.rank(); d++) if (t.stride(d) != 0) n *= t.size(d);
            sum += n;
        }
        return sum;
    }
}
