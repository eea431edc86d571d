package unclip4j.config;

import java.util.Locale;

/**
 * Reads unclip4j's {@code -D} settings strictly. A typo must not silently run another configuration:
 * {@code Boolean.parseBoolean} reads "no" and "0" as false where another reader took them as true,
 * and {@code Long.getLong} ignores "abc". Each malformed value is an error naming the setting.
 */
public final class JvmSettings {
    private JvmSettings() {}

    /** {@code true} or {@code false} (any case); the fallback when unset. */
    public static boolean flag(String name, boolean fallback) {
        String v = System.getProperty(name);
        if (v == null) return fallback;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + name + " is true or false, got '" + v + "'");
        };
    }

    /** A whole number of MiB, at least 0, returned in bytes; the fallback (MiB) when unset. */
    public static long mebibytes(String name, long fallbackMiB) {
        String v = System.getProperty(name);
        if (v == null) return fallbackMiB << 20;
        try {
            long mib = Long.parseLong(v.trim());
            if (mib >= 0 && mib <= Long.MAX_VALUE >> 20) return mib << 20;
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("-D" + name + " is a size in MiB (a whole number ≥ 0), got '" + v + "'");
    }

    /** A finite number above 0, or NaN when unset. */
    public static double positive(String name) {
        String v = System.getProperty(name);
        if (v == null) return Double.NaN;
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d) && d > 0) return d;
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("-D" + name + " is a number above 0, got '" + v + "'");
    }
}
