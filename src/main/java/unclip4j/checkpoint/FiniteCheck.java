package unclip4j.checkpoint;

import java.util.ArrayList;
import java.util.List;
import unclip4j.tensor.Tensor;

/** Finds weights holding NaN or ±Inf (a corrupt or badly converted checkpoint); reads every float tensor once. */
public final class FiniteCheck {
    private FiniteCheck() {}

    /** Names of the floating-point tensors that contain a NaN or an infinity, in the dict's order. */
    public static List<String> nonFinite(StateDict sd) {
        List<String> bad = new ArrayList<>();
        for (String k : sd.keys()) {
            if (!sd.info(k).dtype().isFloatingPoint()) continue;
            Tensor t = sd.get(k);
            for (double v : t.toDoubleArray()) {
                if (!Double.isFinite(v)) {
                    bad.add(k);
                    break;
                }
            }
        }
        return bad;
    }
}
