package unclip4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import unclip4j.backend.cuda.PtxModules;
import unclip4j.testing.Nvcc;

/**
 * The CI guard that the kernels compile: when nvcc exists, the build ran tools/build-kernels.sh, so
 * every kernels/*.cu must have its PTX on the classpath, and every kernel symbol a Java launcher
 * names must be an {@code .entry} of its module's PTX. Skipped (with the reason) without nvcc.
 */
class KernelsCompileTest {
    private static final Path KERNELS = Path.of("kernels");

    @Test
    void everyCuFileCompiledAndEveryLauncherSymbolExists() throws IOException {
        Assumptions.assumeTrue(Nvcc.present(), "nvcc not installed: kernels are not built on this machine");
        List<String> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(KERNELS)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).sorted().forEach(n -> sources.add(n.replace(".cu", "")));
        }
        assertTrue(sources.size() >= 10, "kernels/*.cu: " + sources);
        PtxModules.Manifest manifest = PtxModules.manifest();
        assertNotNull(manifest, "nvcc exists but /kernels/manifest.txt is missing: did tools/build-kernels.sh run?");
        assertEquals(sources, manifest.modules().stream().sorted().toList(), "manifest modules vs kernels/*.cu");
        List<String> missing = new ArrayList<>();
        for (String module : sources) {
            String ptx = PtxModules.ptx(module);
            assertNotNull(ptx, module + ".ptx missing");
            Set<String> entries = PtxModules.entryNames(ptx);
            assertTrue(!entries.isEmpty(), module + ".ptx defines no kernel");
            for (KernelVariant v : KernelCatalog.all()) {
                if (module.equals(v.module()) && !entries.contains(v.symbol())) missing.add(module + ":" + v.symbol());
            }
        }
        assertTrue(missing.isEmpty(), "launchers name kernels the PTX lacks: " + missing);
        Set<String> modulesNamed = new TreeSet<>();
        KernelCatalog.all().stream().filter(v -> !v.isLibrary()).forEach(v -> modulesNamed.add(v.module()));
        assertTrue(sources.containsAll(modulesNamed), "launchers name modules that do not exist: " + modulesNamed);
    }
}
