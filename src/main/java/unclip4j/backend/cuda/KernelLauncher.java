package unclip4j.backend.cuda;

import java.util.Locale;

/**
 * How a {@link Launch} reaches the driver's cuLaunchKernel. Two ways, kept side by side because the
 * difference is measurable and worth seeing ({@code unclip4j bench kernels --op launch}):
 * <ul>
 *   <li>{@code jcuda}: JCuda's binding, which marshals a {@code Pointer} per argument through JNI;</li>
 *   <li>{@code ffm}: a direct downcall through the JDK's foreign-function API, the arguments written
 *       into one reused native buffer.</li>
 * </ul>
 * Chosen by {@code -Dunclip4j.cuda.launcher=jcuda|ffm}; both pass the same arguments to the same
 * driver entry point, so results are identical.
 */
public enum KernelLauncher {
    JCUDA, FFM;

    public static final String PROPERTY = "unclip4j.cuda.launcher";
    static final KernelLauncher DEFAULT = JCUDA;

    /** The launcher this JVM uses. */
    public static KernelLauncher selected() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) return DEFAULT;
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " is jcuda or ffm, got '" + v + "'");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
