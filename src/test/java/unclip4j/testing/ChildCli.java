package unclip4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import unclip4j.Main;

/**
 * The CLI in a JVM of its own, started as this one was (same module and vector settings), for what
 * cannot be set in-process: JVM options read once at startup (java.io.tmpdir), the environment,
 * a closed stdout, a process wrapper such as {@code unshare} or {@code setpriv}.
 */
public final class ChildCli {
    public record Run(int code, String out, String err) {}

    private ChildCli() {}

    /**
     * java, this JVM's options, the project as the install folder (as the launcher passes it: the
     * embedded model is found from any working directory), the extra JVM options, the classpath, Main and args.
     */
    public static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (!a.startsWith("-javaagent")) command.add(a);
        command.add("-Dunclip4j.home=" + Path.of("").toAbsolutePath());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a command line in dir with the extra environment; stdout and stderr are kept apart, stdin is empty. */
    public static Run run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("child-out", ".txt"), err = Files.createTempFile("child-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish in 180 s: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Whether a command line exits 0 here (e.g. {@code unshare -m true} where unshare needs root). */
    public static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Skips the test, saying why, unless this machine lets a process mount a tmpfs in a private mount
     * namespace (unshare -m; root, as the project's machines have): how tests fake a full disk, a
     * container's cgroup files or a machine without fonts.
     */
    public static void assumePrivateMounts() {
        Assumptions.assumeTrue(works("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=40k tmpfs /mnt"),
                "cannot mount a tmpfs in a private mount namespace here (unshare -m needs root)");
    }

    /** Fails with the run's output unless it exited with code. */
    public static void assertExit(int code, Run r) {
        assertTrue(r.code() == code, "exit " + r.code() + ", expected " + code + "\nstdout: " + r.out() + "\nstderr: " + r.err());
    }
}
