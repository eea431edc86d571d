package unclip4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The kernels that tools/build-kernels.sh put on the classpath under {@code /kernels/}: for each
 * {@code kernels/<module>.cu} a {@code <module>.ptx} (compute_80) and cubins {@code <module>.sm_XY.cubin}.
 * A module loads the cubin of the device's architecture when one fits (same major, minor not above the
 * device's), else the PTX, which the driver JIT-compiles. Functions are looked up once and cached.
 */
public final class PtxModules {
    static final String ROOT = "/kernels/";
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+[\\w$]+(?:\\[(\\d+)])?");

    /** What tools/build-kernels.sh recorded in manifest.txt. */
    public record Manifest(String nvcc, int driverMin, List<String> cubinArchs, List<String> modules) {}

    private final DeviceInfo device;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, DevicePointers.Function> functions = new HashMap<>();
    private final Map<String, Map<String, List<String>>> signatures = new HashMap<>();

    PtxModules(DeviceInfo device) {
        this.device = device;
    }

    /** The build manifest, or null when the kernels were not built. */
    public static Manifest manifest() {
        String text = resourceText("manifest.txt");
        return text == null ? null : parseManifest(text);
    }

    static Manifest parseManifest(String text) {
        String nvcc = "nvcc (unknown version)";
        int driverMin = 0;
        List<String> archs = List.of(), modules = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            switch (key) {
                case "nvcc" -> nvcc = value;
                case "driver-min" -> driverMin = Integer.parseInt(value);
                case "cubin" -> archs = Arrays.stream(value.split("\\s+")).filter(s -> !s.isBlank()).toList();
                case "module" -> modules.add(value);
                default -> { }
            }
        }
        return new Manifest(nvcc, driverMin, archs, List.copyOf(modules));
    }

    /** The names of the {@code .entry} functions (kernels) a PTX text defines, in order. */
    public static Set<String> entryNames(String ptx) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /**
     * Each kernel's parameter types as PTX spells them ({@code u64}, {@code u32}, {@code f32}, and
     * {@code b8[136]} for a struct passed by value), by kernel name: what {@link Launch} checks its
     * arguments against before a launch, since a mismatch would otherwise read garbage silently.
     */
    public static Map<String, List<String>> signatures(String ptx) {
        Map<String, List<String>> out = new HashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            int close = ptx.indexOf(')', m.end());
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(ptx.substring(m.end(), close < 0 ? ptx.length() : close));
            while (p.find()) types.add(p.group(2) == null ? p.group(1) : p.group(1) + "[" + p.group(2) + "]");
            out.put(m.group(1), List.copyOf(types));
        }
        return out;
    }

    /** A kernel's parameter types (see {@link #signatures}), or null when its PTX is not on the classpath. */
    synchronized List<String> signature(String module, String symbol) {
        Map<String, List<String>> sigs = signatures.computeIfAbsent(module, name -> {
            String ptx = ptx(name);
            return ptx == null ? Map.of() : signatures(ptx);
        });
        return sigs.get(symbol);
    }

    /** The PTX of a module as text, or null when it was not built. */
    public static String ptx(String module) {
        return resourceText(module + ".ptx");
    }

    /** The cubin architecture to load on a device, e.g. "sm_86" on an 8.9 GPU when no sm_89 exists; null means PTX. */
    static String cubinFor(int ccMajor, int ccMinor, List<String> archs) {
        String best = null;
        int bestMinor = -1;
        for (String a : archs) {
            int v = Integer.parseInt(a.substring(3));
            if (v / 10 == ccMajor && v % 10 <= ccMinor && v % 10 > bestMinor) {
                best = a;
                bestMinor = v % 10;
            }
        }
        return best;
    }

    synchronized DevicePointers.Function function(String module, String symbol) {
        String key = module + "/" + symbol;
        DevicePointers.Function f = functions.get(key);
        if (f == null) {
            f = new DevicePointers.Function();
            JCudaDriver.cuModuleGetFunction(f, module(module), symbol);
            functions.put(key, f);
        }
        return f;
    }

    private CUmodule module(String name) {
        CUmodule m = modules.get(name);
        if (m != null) return m;
        Manifest manifest = manifest();
        String arch = manifest == null ? null : cubinFor(device.ccMajor(), device.ccMinor(), manifest.cubinArchs());
        byte[] image = arch == null ? null : resource(name + "." + arch + ".cubin");
        if (image == null) {
            byte[] ptx = resource(name + ".ptx");
            if (ptx == null) throw new IllegalStateException("kernel module " + name + " was not built (no " + ROOT + name + ".ptx on the classpath)");
            image = Arrays.copyOf(ptx, ptx.length + 1); // the driver reads PTX as a NUL-terminated string
        }
        m = new CUmodule();
        JCudaDriver.cuModuleLoadData(m, image);
        modules.put(name, m);
        return m;
    }

    /** ptxas's resource report for a module's cubin of one architecture ("sm_90"), or null when not built. */
    public static String ptxasReport(String module, String arch) {
        return resourceText(module + "." + arch + ".ptxas.txt");
    }

    private static String resourceText(String name) {
        byte[] b = resource(name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PtxModules.class.getResourceAsStream(ROOT + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
