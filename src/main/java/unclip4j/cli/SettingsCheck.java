package unclip4j.cli;

import java.util.List;
import java.util.function.Supplier;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cuda.DeviceAllocator;
import unclip4j.backend.cuda.KernelLauncher;
import unclip4j.config.JvmSettings;
import unclip4j.kernel.KernelCatalog;
import unclip4j.kernel.KernelChoice;
import unclip4j.profile.ProfileReport;
import unclip4j.tensor.HostBlockPool;

/**
 * Reads every {@code -D} setting of unclip4j before a command runs, so that a malformed one is an
 * error line before any work, not a failure after the pictures are written (the profile's peak) or a
 * silently different run (the readers parse lazily, some only when a backend first needs them).
 */
final class SettingsCheck {
    private SettingsCheck() {}

    static void run() {
        JvmSettings.flag(Cli.VERBOSE_PROPERTY, false);
        JvmSettings.flag(CpuBackend.VECTOR_PROPERTY, true);
        JvmSettings.mebibytes(HostBlockPool.LIMIT_PROPERTY, 0);
        JvmSettings.mebibytes(DeviceAllocator.HEADROOM_PROPERTY, 0);
        JvmSettings.mebibytes(DeviceAllocator.CACHE_PROPERTY, 0);
        ProfileReport.configuredPeak();
        named(ConvAlgorithm.PROPERTY, ConvAlgorithm::fromProperty);
        KernelLauncher.selected();
        for (String name : System.getProperties().stringPropertyNames()) {
            // blank means the default to KernelChoice.resolve (an unset shell variable, say)
            if (!name.startsWith(KernelChoice.PROPERTY_PREFIX) || System.getProperty(name).isBlank()) continue;
            named(name, () -> KernelCatalog.find(name.substring(KernelChoice.PROPERTY_PREFIX.length()), System.getProperty(name)));
        }
    }

    /** The unclip4j settings this JVM was given, {@code name=value}, sorted (the launcher's unclip4j.home left out). */
    static List<String> given() {
        return System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith("unclip4j.") && !n.equals(ModelOptions.HOME_PROPERTY)).sorted()
                .map(n -> n + "=" + System.getProperty(n)).toList();
    }

    /** A reader whose own message does not say which -D it read gets the setting's name in front. */
    private static void named(String property, Supplier<?> read) {
        try {
            read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + "=" + System.getProperty(property) + ": " + e.getMessage(), e);
        }
    }
}
