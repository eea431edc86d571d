package unclip4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the build had nvcc, so that tools/build-kernels.sh put kernels and their ptxas reports on the classpath. */
public final class Nvcc {
    private Nvcc() {}

    /** The same rule as tools/build-kernels.sh: NVCC (even empty) wins, else the PATH, else /usr/local/cuda. */
    public static boolean present() {
        String forced = System.getenv("NVCC");
        if (forced != null) return !forced.isEmpty() && Files.isExecutable(Path.of(forced));
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) if (Files.isExecutable(Path.of(dir, "nvcc"))) return true;
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
    }
}
