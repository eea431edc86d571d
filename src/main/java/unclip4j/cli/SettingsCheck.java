package unclip4j.cli;

import java.util.List;
import java.util.Set;
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

    /** Every setting's name (kernel.* aside), and the launcher's install directory. */
    private static final Set<String> NAMES = Set.of(Cli.VERBOSE_PROPERTY, CpuBackend.VECTOR_PROPERTY, HostBlockPool.LIMIT_PROPERTY,
            DeviceAllocator.HEADROOM_PROPERTY, DeviceAllocator.CACHE_PROPERTY, ProfileReport.PEAK_PROPERTY, ConvAlgorithm.PROPERTY,
            KernelLauncher.PROPERTY, ModelOptions.HOME_PROPERTY);

    /** Test harnesses' own settings (LoaderFuzzTest's iterations and seed, say), which no command reads. */
    private static final List<String> HARNESS_PREFIXES = List.of("unclip4j.fuzz.", "unclip4j.test.");

    static void run() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (!name.startsWith("unclip4j.") || NAMES.contains(name) || name.startsWith(KernelChoice.PROPERTY_PREFIX)) continue;
            if (HARNESS_PREFIXES.stream().anyMatch(name::startsWith)) continue;
            // a misspelt name would otherwise leave its setting at the default without a word
            throw new IllegalArgumentException("-D" + name + " is no unclip4j setting; they are " + String.join(", ", NAMES.stream()
                    .filter(n -> !n.equals(ModelOptions.HOME_PROPERTY)).sorted().toList()) + " and " + KernelChoice.PROPERTY_PREFIX + "<family>");
        }
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
