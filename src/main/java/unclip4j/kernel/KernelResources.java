package unclip4j.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import unclip4j.backend.cuda.PtxModules;

/**
 * What ptxas reported for each kernel when the build compiled its cubins ({@code nvcc -Xptxas -v},
 * kept as {@code /kernels/<module>.sm_XX.ptxas.txt}): registers, static shared memory, stack and
 * spills. These decide how many warps an SM can hold, the first thing to look at when a variant is
 * slower than its idea promises; {@code bench kernels --resources} prints them, no GPU needed.
 */
public final class KernelResources {
    /** The architectures the build makes cubins for. */
    public static final List<String> ARCHS = List.of("sm_80", "sm_86", "sm_89", "sm_90");
    /**
     * Registers per SM sub-partition on every one of them (4 × 16384 = 65536 per SM), allocated to a
     * warp in units of 256; a warp's registers sit in one sub-partition (CUDA's cuda_occupancy.h).
     */
    private static final int SUB_PARTITIONS = 4, REGISTERS_PER_SUB_PARTITION = 16384, REGISTER_UNIT = 256;

    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '([^']+)'");
    private static final Pattern PROPERTIES = Pattern.compile("Function properties for (\\S+)");
    private static final Pattern FRAME = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers, used (\\d+) barriers(?:, (\\d+) bytes cumulative stack size)?(?:, (\\d+) bytes smem)?");

    /** One kernel's resources; {@code sharedBytes} is static shared memory (a launch may add dynamic). */
    public record Usage(int registers, int barriers, long sharedBytes, long stackBytes, long spillStoreBytes, long spillLoadBytes) {

        /**
         * The most warps an SM of this architecture can hold with this many registers per thread,
         * before shared memory, block size or the block limit cut it further.
         */
        public int warpsByRegisters(String arch) {
            int perWarp = Math.ceilDiv(Math.max(registers, 1) * 32, REGISTER_UNIT) * REGISTER_UNIT;
            return Math.min(maxWarps(arch), SUB_PARTITIONS * (REGISTERS_PER_SUB_PARTITION / perWarp));
        }
    }

    private KernelResources() {}

    /** IllegalArgumentException naming the architectures the build makes, unless arch is one of them. */
    public static void checkArch(String arch) {
        maxWarps(arch);
    }

    /** Resident warps per SM: 64 on the A100 and H100 class (sm_80, sm_90), 48 on sm_86 and sm_89. */
    static int maxWarps(String arch) {
        return switch (arch) {
            case "sm_80", "sm_90" -> 64;
            case "sm_86", "sm_89" -> 48;
            default -> throw new IllegalArgumentException("unknown architecture '" + arch + "'; the build makes " + String.join(", ", ARCHS));
        };
    }

    /** The usage of every kernel entry of one module and architecture, by symbol; empty when that cubin was not built. */
    public static Map<String, Usage> of(String module, String arch) {
        checkArch(arch);
        String report = PtxModules.ptxasReport(module, arch);
        return report == null ? Map.of() : parse(report);
    }

    /** Reads a ptxas -v report: per entry, its "Function properties" (stack, spills) and "Used" lines. */
    static Map<String, Usage> parse(String report) {
        Map<String, Usage> usage = new LinkedHashMap<>();
        String entry = null, properties = null;
        long[] frame = null;
        for (String line : report.split("\n")) {
            Matcher m;
            if ((m = ENTRY.matcher(line)).find()) {
                entry = m.group(1);
                frame = null;
            } else if ((m = PROPERTIES.matcher(line)).find()) {
                properties = m.group(1);
            } else if ((m = FRAME.matcher(line)).find()) {
                // device functions that are not inlined have properties of their own: keep only the entry's
                if (properties != null && properties.equals(entry)) frame = new long[] {num(m, 1), num(m, 2), num(m, 3)};
            } else if ((m = USED.matcher(line)).find() && entry != null) {
                long[] f = frame == null ? new long[3] : frame;
                usage.put(entry, new Usage((int) num(m, 1), (int) num(m, 2), num(m, 4), f[0], f[1], f[2]));
                entry = null;
            }
        }
        return usage;
    }

    private static long num(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
