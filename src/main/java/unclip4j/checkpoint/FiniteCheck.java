package unclip4j.checkpoint;

import java.util.ArrayList;
import java.util.List;

/** Finds weights holding NaN or ±Inf (a corrupt or badly converted checkpoint); reads every float tensor once. */
public final class FiniteCheck {
    private FiniteCheck() {}

    /** Names of the floating-point tensors that contain a NaN or an infinity, in the dict's order. */
    public static List<String> nonFinite(StateDict sd) {
        List<String> bad = new ArrayList<>();
        for (String k : sd.keys()) {
            // element by element: a whole-tensor copy would not fit a Java array past 2^31 elements, nor the heap long before
            if (sd.info(k).dtype().isFloatingPoint() && sd.get(k).anyMatch(v -> !Double.isFinite(v))) bad.add(k);
        }
        return bad;
    }
}
