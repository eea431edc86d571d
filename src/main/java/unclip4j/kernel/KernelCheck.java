package unclip4j.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * llm.c's comparison rule: element i passes when {@code |got − want| ≤ atol + rtol·|want|}; a failure
 * reports the worst elements with their index. NaN in either fails (a NaN where the reference has
 * NaN too passes: fully masked rows).
 */
public final class KernelCheck {
    private KernelCheck() {}

    /** One element that failed. */
    public record Mismatch(int index, double want, double got) {
        @Override
        public String toString() {
            return String.format("[%d] want %.7g got %.7g (diff %.3g)", index, want, got, Math.abs(got - want));
        }
    }

    /**
     * The outcome: failures (worst first, at most 5 kept), their count, the largest absolute error and
     * the relative L2 error ‖got − want‖ / ‖want‖ over the finite elements (the figure the op tests use).
     */
    public record Result(int failures, List<Mismatch> worst, double maxAbsErr, double relL2) {
        public boolean ok() {
            return failures == 0;
        }

        public String summary() {
            return ok() ? String.format("ok  rel L2 %.1e, max |err| %.1e", relL2, maxAbsErr)
                    : "FAIL " + failures + " elements, worst: " + worst;
        }
    }

    public static Result compare(float[] want, float[] got, double atol, double rtol) {
        if (want.length != got.length) throw new IllegalArgumentException("sizes differ: " + want.length + " vs " + got.length);
        List<Mismatch> bad = new ArrayList<>();
        int failures = 0;
        double maxAbs = 0, errSq = 0, wantSq = 0;
        for (int i = 0; i < want.length; i++) {
            double w = want[i], g = got[i];
            if (Double.isNaN(w) && Double.isNaN(g)) continue;
            double diff = Math.abs(g - w);
            if (!(diff <= atol + rtol * Math.abs(w))) {
                failures++;
                bad.add(new Mismatch(i, w, g));
                bad.sort(Comparator.comparingDouble((Mismatch m) -> -(Double.isNaN(m.got() - m.want()) ? Double.MAX_VALUE : Math.abs(m.got() - m.want()))));
                if (bad.size() > 5) bad.removeLast();
            }
            if (Double.isFinite(diff)) {
                maxAbs = Math.max(maxAbs, diff);
                errSq += diff * diff;
                wantSq += w * w;
            }
        }
        return new Result(failures, List.copyOf(bad), maxAbs, wantSq == 0 ? Math.sqrt(errSq) : Math.sqrt(errSq / wantSq));
    }
}
