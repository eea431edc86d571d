package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.util.List;
import unclip4j.checkpoint.DiffusersKeys.Rule;
import unclip4j.tensor.Tensor;

/**
 * The direction the engine never needs: Karlo tensors under {@link DiffusersKeys}' tables written
 * as diffusers tensors, to make a diffusers folder from the tiny fixtures.
 */
final class KarloToDiffusers {
    private KarloToDiffusers() {}

    /** Karlo tensors → diffusers tensors ({@code folder/key} names), lazily. */
    static StateDict toDiffusers(List<Rule> rules, StateDict karlo) {
        StateDict out = new StateDict(karlo.source() + " (as diffusers)");
        for (Rule r : rules) {
            TensorInfo info = karlo.info(r.karlo());
            long[] shape = info.shape();
            switch (r.op()) {
                case SAME -> out.put(new TensorInfo(r.diffusers().getFirst(), info.dtype(), shape), () -> karlo.get(r.karlo()));
                case CONV1D_AS_LINEAR -> out.put(new TensorInfo(r.diffusers().getFirst(), info.dtype(), DiffusersKeys.dropTrailingOne(shape)),
                        () -> karlo.get(r.karlo()).contiguous().reshape(DiffusersKeys.dropTrailingOne(shape)));
                case TRANSPOSE -> out.put(new TensorInfo(r.diffusers().getFirst(), info.dtype(), new long[] {shape[1], shape[0]}),
                        () -> karlo.get(r.karlo()).transpose(0, 1).contiguous());
                case SPLIT -> {
                    int parts = r.diffusers().size();
                    long[] partShape = DiffusersKeys.dropTrailingOne(shape);
                    partShape[0] = shape[0] / parts;
                    for (int p = 0; p < parts; p++) {
                        int part = p;
                        out.put(new TensorInfo(r.diffusers().get(p), info.dtype(), partShape),
                                () -> deinterleave(karlo.get(r.karlo()), parts, r.chunk(), part).reshape(partShape));
                    }
                }
            }
        }
        return out;
    }

    /** Part p of a fused tensor whose rows come in groups of parts × chunk: rows {(parts·h + p)·chunk + d}. */
    static Tensor deinterleave(Tensor fused, int parts, int chunk, int p) {
        Tensor src = fused.contiguous();
        long rows = src.size(0), rowBytes = src.byteSize() / rows, heads = rows / ((long) parts * chunk);
        long[] shape = src.shape();
        shape[0] = rows / parts;
        Tensor out = Tensor.zeros(src.dtype(), shape);
        MemorySegment from = src.segment(), to = out.segment();
        long block = chunk * rowBytes;
        for (long h = 0; h < heads; h++) MemorySegment.copy(from, ((long) parts * h + p) * block, to, h * block, block);
        return out;
    }
}
