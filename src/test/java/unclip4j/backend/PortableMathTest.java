package unclip4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PortableMath} against fdlibm ({@link StrictMath}) for accuracy, and against
 * {@code kernels/portable_math.cuh} for identity: the header is compiled by nvcc as host code and fed
 * the same inputs, and every result must have the same bits (the device build differs from the host
 * build only in that its roundings are explicit intrinsics). Skipped, with the reason, without nvcc.
 */
class PortableMathTest {
    private static final int N = 200_000;

    /** Box–Muller's inputs: the Philox uniforms (u + 1)·2^-32, and 2π times them. */
    private static double[] uniforms() {
        SplittableRandom r = new SplittableRandom(2026_11_26L);
        double[] u = new double[N];
        for (int i = 0; i < N; i++) u[i] = ((r.nextInt() & 0xffffffffL) + 1) * 0x1p-32;
        u[0] = 0x1p-32;                          // the smallest uniform
        u[1] = 1.0;                              // the largest
        u[2] = Math.nextUp(Math.sqrt(0.5));      // the log's range switch
        u[3] = 0.5;
        u[4] = 0.25;                             // θ = π/2: a quadrant boundary
        return u;
    }

    @Test
    void logIsWithinTwoUlpsOfFdlibm() {
        for (double u : uniforms()) {
            double want = StrictMath.log(u), got = PortableMath.log(u);
            assertTrue(Math.abs(got - want) <= 2 * Math.ulp(want), u + ": " + got + " vs " + want);
        }
        assertEquals(0.0, PortableMath.log(1.0));
    }

    @Test
    void sinAndCosAreWithinTwoUlpsOfOneOfFdlibm() {
        for (double u : uniforms()) {
            double theta = 2 * Math.PI * u;
            double[] cs = new double[2];
            PortableMath.cosSin(theta, cs, 0);
            assertEquals(StrictMath.cos(theta), cs[0], 2 * Math.ulp(1.0), "cos " + theta);
            assertEquals(StrictMath.sin(theta), cs[1], 2 * Math.ulp(1.0), "sin " + theta);
        }
    }

    @Test
    void theCudaHeaderComputesTheSameBits(@TempDir Path dir) throws IOException, InterruptedException {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found: the CUDA header cannot be compiled here");
        Path src = dir.resolve("parity.cu"), exe = dir.resolve("parity"), in = dir.resolve("in.txt");
        Files.writeString(src, """
                #include <cstdio>
                #include <cmath>
                #include "portable_math.cuh"
                // reads one double per line as raw bits in hex; prints log(u), sin(2πu), cos(2πu) as raw bits
                int main() {
                    unsigned long long bits;
                    while (std::scanf("%llx", &bits) == 1) {
                        double u, s, c, l;
                        memcpy(&u, &bits, 8);
                        l = pm_log(u);
                        pm_sincos(0x1.921fb54442d18p+2 * u, &s, &c);
                        unsigned long long lb, sb, cb;
                        memcpy(&lb, &l, 8); memcpy(&sb, &s, 8); memcpy(&cb, &c, 8);
                        std::printf("%llx %llx %llx\\n", lb, sb, cb);
                    }
                    return 0;
                }
                """);
        run(List.of(nvcc.toString(), "-std=c++17", "-O3", "-I", Path.of("kernels").toAbsolutePath().toString(), "-o", exe.toString(), src.toString()), null);
        double[] u = uniforms();
        StringBuilder sb = new StringBuilder();
        for (double x : u) sb.append(Long.toHexString(Double.doubleToRawLongBits(x))).append('\n');
        Files.writeString(in, sb);
        List<String> out = run(List.of(exe.toString()), in);
        assertEquals(N, out.size());
        int differ = 0;
        String first = null;
        for (int i = 0; i < N; i++) {
            double theta = 2 * Math.PI * u[i];
            double[] cs = new double[2];
            PortableMath.cosSin(theta, cs, 0);
            String want = Long.toHexString(Double.doubleToRawLongBits(PortableMath.log(u[i]))) + " "
                    + Long.toHexString(Double.doubleToRawLongBits(cs[1])) + " " + Long.toHexString(Double.doubleToRawLongBits(cs[0]));
            if (!want.equals(out.get(i))) {
                differ++;
                if (first == null) first = "u = " + u[i] + ": java " + want + ", cuda header " + out.get(i);
            }
        }
        assertEquals(0, differ, differ + " of " + N + " differ; first: " + first);
    }

    private static Path nvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "nvcc");
            if (Files.isExecutable(p)) return p;
        }
        Path fallback = Path.of("/usr/local/cuda/bin/nvcc");
        return Files.isExecutable(fallback) ? fallback : null;
    }

    private static List<String> run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        Process p = pb.start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + String.join("\n", lines));
        return lines;
    }
}
