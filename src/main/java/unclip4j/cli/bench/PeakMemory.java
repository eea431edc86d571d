package unclip4j.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of this process over a measured interval: resident set size (Linux {@code VmHWM},
 * which holds the off-heap tensors) and Java heap (sum of the heap pools' peaks). {@link #reset()}
 * starts an interval; where the kernel refuses to reset the RSS high-water mark, the RSS peak is
 * the process's since start and {@link #rssIsPerInterval()} says so.
 */
final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private boolean rssReset;

    void reset() {
        try {
            Files.writeString(CLEAR_REFS, "5"); // 5: reset the peak RSS to the current RSS (Linux ≥ 4.0)
            rssReset = true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            rssReset = false;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
        }
    }

    boolean rssIsPerInterval() {
        return rssReset;
    }

    /** Peak resident set size in bytes, or -1 where /proc is not available. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024; // "VmHWM:  123 kB"
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    long heapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }
}
