package unclip4j.diffusion;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which of the T original timesteps a sampler visits: guided-diffusion's {@code space_timesteps}
 * (karlo/modules/diffusion/respace.py), spec §8.2.
 *
 * <ul>
 *   <li>"N" or "n1,n2,...": T is cut into equal sections (the first T mod k one step longer),
 *       each section strided to its count with fractional strides;
 *       "25" → 0, 42, 83, 125, 166, ..., 999</li>
 *   <li>"ddimN": the smallest integer stride s with |range(0, T, s)| = N; "ddim25" → 0, 40, ..., 960</li>
 *   <li>"fast27": "10,10,3,2,2" with T−1 replaced by T−3</li>
 *   <li>"": no respacing, all T steps (Karlo's configs say {@code timestep_respacing: ''})</li>
 * </ul>
 */
public final class Respacing {
    private static final Pattern COUNT = Pattern.compile("[0-9]+");

    private Respacing() {}

    /** The kept timesteps in increasing order; throws IllegalArgumentException for a spec that cannot be honoured. */
    public static int[] spaceTimesteps(int numTimesteps, String spec) {
        if (numTimesteps < 1) throw new IllegalArgumentException("the base process needs at least 1 step, got " + numTimesteps);
        TreeSet<Integer> steps = switch (spec) {
            case "" -> sections(numTimesteps, new int[] {numTimesteps}, spec);
            case "fast27" -> fast27(numTimesteps);
            default -> spec.startsWith("ddim") ? ddim(numTimesteps, spec) : sections(numTimesteps, counts(spec), spec);
        };
        if (steps.isEmpty()) throw new IllegalArgumentException("respacing '" + spec + "' keeps no timestep");
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    private static TreeSet<Integer> ddim(int numTimesteps, String spec) {
        int desired = count(spec.substring("ddim".length()), spec);
        for (int stride = 1; stride < numTimesteps; stride++) {
            // len(range(0, T, stride)) = ⌈T / stride⌉
            if ((numTimesteps + stride - 1) / stride == desired) {
                TreeSet<Integer> steps = new TreeSet<>();
                for (int t = 0; t < numTimesteps; t += stride) steps.add(t);
                return steps;
            }
        }
        throw new IllegalArgumentException("respacing '" + spec + "': no integer stride gives exactly "
                + desired + " of " + numTimesteps + " steps");
    }

    private static TreeSet<Integer> fast27(int numTimesteps) {
        TreeSet<Integer> steps = sections(numTimesteps, new int[] {10, 10, 3, 2, 2}, "fast27");
        // guided-diffusion: "Help reduce DDIM artifacts from noisiest timesteps."
        steps.remove(numTimesteps - 1);
        steps.add(numTimesteps - 3);
        return steps;
    }

    private static TreeSet<Integer> sections(int numTimesteps, int[] sectionCounts, String spec) {
        int sizePer = numTimesteps / sectionCounts.length;
        int extra = numTimesteps % sectionCounts.length;
        int startIdx = 0;
        TreeSet<Integer> steps = new TreeSet<>();
        for (int i = 0; i < sectionCounts.length; i++) {
            int size = sizePer + (i < extra ? 1 : 0);
            int count = sectionCounts[i];
            if (size < count) {
                throw new IllegalArgumentException("respacing '" + spec + "': cannot take " + count
                        + " steps from a section of " + size + " timesteps");
            }
            double fracStride = count <= 1 ? 1 : (double) (size - 1) / (count - 1);
            // the position is accumulated, not multiplied, and rounded half to even as Python's round()
            double curIdx = 0.0;
            for (int k = 0; k < count; k++) {
                steps.add(startIdx + (int) Math.rint(curIdx));
                curIdx += fracStride;
            }
            startIdx += size;
        }
        return steps;
    }

    private static int[] counts(String spec) {
        return Arrays.stream(spec.split(",", -1)).mapToInt(s -> count(s.strip(), spec)).toArray();
    }

    private static int count(String digits, String spec) {
        if (!COUNT.matcher(digits).matches()) {
            throw new IllegalArgumentException("respacing '" + spec + "' is not \"N\", \"n1,n2,...\", \"ddimN\" or \"fast27\"");
        }
        // more than any schedule has (Karlo's have 1000): a clear refusal instead of an int overflow
        String count = digits.replaceFirst("^0+(?=.)", ""); // leading zeros are no digits of the count
        if (count.length() > 9) throw new IllegalArgumentException("respacing '" + spec + "': " + count + " steps is more than any schedule has");
        return Integer.parseInt(count);
    }
}
