package unclip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.ChildCli;

/**
 * The launcher ({@code ./unclip4j}) where it cannot build: no Maven, or an install the user may only
 * read. It runs on a copy of itself whose "jar" starts the CLI from the tests' classpath, with sources
 * newer than that jar.
 */
class LauncherTest {
    private static final List<String> TOOLS = List.of("env", "bash", "dirname", "readlink", "find", "awk", "grep", "id", "rm");

    @TempDir
    Path tmp;
    Path install;

    @BeforeEach
    void install() throws IOException {
        install = tmp.resolve("install");
        Files.createDirectories(install.resolve("tools"));
        Files.createDirectories(install.resolve("src/main"));
        Files.createDirectories(install.resolve("target"));
        for (String f : List.of("unclip4j", "tools/find-jdk25.sh")) Files.copy(Path.of(f), install.resolve(f));
        Path jar = install.resolve("target/unclip4j.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> classPath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) classPath.add(Path.of(e).toUri().toString());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            // the manifest is the jar
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.writeString(install.resolve("src/main/Changed.java"), "// newer than the jar\n");
        Files.writeString(install.resolve("pom.xml"), "");
    }

    /** A PATH of the launcher's tools, without Maven. */
    /** The jar newer than the sources: the launcher has nothing to rebuild. */
    private void markBuildUpToDate() throws IOException {
        Files.setLastModifiedTime(install.resolve("target/unclip4j.jar"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    }

    /** The launcher run by sh with these arguments and redirections (e.g. "schedule --respacing 2 2>&-"). */
    private ChildCli.Run launcherInShell(String argumentsAndRedirections) throws Exception {
        return ChildCli.run(List.of("sh", "-c", "exec \"$0\" " + argumentsAndRedirections, install.resolve("unclip4j").toString()), tmp, Map.of());
    }

    private Map<String, String> pathWithoutMaven() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : TOOLS) {
            Path found = null;
            for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
                if (found == null && Files.isExecutable(Path.of(dir, tool))) found = Path.of(dir, tool);
            }
            Assumptions.assumeTrue(found != null, tool + " is not on the PATH");
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        return Map.of("PATH", bin.toString());
    }

    @Test
    void withoutMavenTheStaleBuildRunsWithANote() throws Exception {
        ChildCli.Run r = ChildCli.run(List.of(install.resolve("unclip4j").toString(), "--version"), tmp, pathWithoutMaven());
        ChildCli.assertExit(0, r);
        assertTrue(r.out().startsWith("unclip4j "), r.out());
        assertEquals("unclip4j: note: sources are newer than the build, which is not rebuilt (Maven (mvn) is not installed): running it as it is",
                r.err().strip());
    }

    @Test
    void withoutMavenAndWithoutABuildItSaysSoInOneLine() throws Exception {
        Files.delete(install.resolve("target/unclip4j.jar"));
        ChildCli.Run r = ChildCli.run(List.of(install.resolve("unclip4j").toString(), "--version"), tmp, pathWithoutMaven());
        ChildCli.assertExit(2, r);
        assertEquals("unclip4j: " + install + " is not built and cannot be built here: Maven (mvn) is not installed", r.err().strip());
    }

    /**
     * An install the user may only read (a read-only mount here: root may write any folder, so chmod
     * would not do; unshare -m needs root, as the project's machines have): it runs as it is instead of
     * failing to write its build log.
     */
    @Test
    void aReadOnlyInstallRunsAsItIs() throws Exception {
        ChildCli.assumePrivateMounts();
        List<String> command = List.of("unshare", "-m", "sh", "-c", "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$0/unclip4j\" --version",
                install.toString());
        ChildCli.Run r = ChildCli.run(command, tmp, Map.of());
        ChildCli.assertExit(0, r);
        assertTrue(r.out().startsWith("unclip4j "), r.out());
        assertTrue(r.err().strip().matches("unclip4j: note: sources are newer than the build, which is not rebuilt \\(\\Q" + install
                + "\\E is not writable by \\S+\\): running it as it is"), r.err());
    }

    /** Java cannot load classes from a folder whose path holds a character beyond U+FFFF: one line saying so, not "Could not find or load main class". */
    @Test
    void anInstallUnderAnEmojiIsRefusedInOneLine() throws Exception {
        Path emoji;
        try {
            emoji = Files.move(install, tmp.resolve("pictures \uD83C\uDFA8"));
        } catch (java.nio.file.InvalidPathException e) {
            Assumptions.abort("file names cannot hold emoji in this JVM's locale (sun.jnu.encoding " + System.getProperty("sun.jnu.encoding") + ")");
            return;
        }
        Path link = Files.createSymbolicLink(tmp.resolve("link"), emoji);
        ChildCli.Run r = ChildCli.run(List.of(link.resolve("unclip4j").toString(), "--version"), tmp, Map.of());
        ChildCli.assertExit(2, r);
        assertEquals("unclip4j: Java cannot load classes from a folder whose path holds emoji or other characters beyond U+FFFF: " + emoji
                + "; move or rename it", r.err().strip());
    }

    /**
     * Under LANG=C Java decodes arguments as ASCII: "café" reached the CLI as "caf\uFFFD\uFFFD" (another prompt,
     * another picture). The launcher runs Java in a UTF-8 locale instead, where the machine has one.
     */
    @Test
    void argumentsSurviveAnAsciiLocale() throws Exception {
        Assumptions.assumeTrue(ChildCli.works("sh", "-c", "[ \"$(LC_ALL=C.UTF-8 locale charmap 2>/dev/null)\" = UTF-8 ]"), "no C.UTF-8 locale (or no locale command) here");
        markBuildUpToDate();
        ChildCli.Run r = ChildCli.run(List.of(install.resolve("unclip4j").toString(), "schedule", "--respacing", "caf\u00e9 \u4e2d"), tmp,
                Map.of("LANG", "C", "LC_ALL", "C"));
        ChildCli.assertExit(2, r);
        assertEquals("error: respacing 'caf\u00e9 \u4e2d' is not \"N\", \"n1,n2,...\", \"ddimN\" or \"fast27\"", r.err().strip());
    }

    /** With stdout closed (unclip4j ... >&-) the command still runs: before, nothing ran and the exit status was 0. */
    @Test
    void aClosedStdoutStillRunsTheCommand() throws Exception {
        markBuildUpToDate();
        ChildCli.Run r = launcherInShell("schedule --respacing x >&-");
        ChildCli.assertExit(2, r);
        assertTrue(r.err().startsWith("error: respacing 'x' is not "), r.err());
    }

    /** With stderr closed (unclip4j ... 2>&-) the command runs and its exit status is still the command's. */
    @Test
    void aClosedStderrKeepsTheExitStatus() throws Exception {
        markBuildUpToDate();
        ChildCli.Run ok = launcherInShell("schedule --respacing 2 2>&-");
        ChildCli.assertExit(0, ok);
        assertTrue(ok.out().startsWith("cosine schedule, T = 1000"), ok.out());
        ChildCli.Run bad = launcherInShell("schedule --respacing x 2>&-");
        ChildCli.assertExit(2, bad);
    }

    /** The launcher linked from a folder on the PATH finds its install (it looked for tools/ beside the link). */
    @Test
    void aLinkToTheLauncherFindsTheInstall() throws Exception {
        markBuildUpToDate();
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("bin")).resolve("unclip4j"), install.resolve("unclip4j"));
        ChildCli.Run r = ChildCli.run(List.of(link.toString(), "--version"), tmp, Map.of());
        ChildCli.assertExit(0, r);
        assertTrue(r.out().startsWith("unclip4j "), r.out());
    }

    /**
     * In a container the tensors' cap (3/4 of the memory) follows its memory limit, not the host's RAM,
     * past which the kernel kills the JVM without a word. The limit is faked by a tmpfs over
     * /sys/fs/cgroup in a private mount namespace (root only, as the project's machines have).
     */
    @Test
    void aContainersMemoryLimitCapsTheTensors() throws Exception {
        ChildCli.assumePrivateMounts();
        markBuildUpToDate();
        ChildCli.Run r = ChildCli.run(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs tmpfs /sys/fs/cgroup && echo 1073741824 > /sys/fs/cgroup/memory.max && exec \"$0\" --version",
                install.resolve("unclip4j").toString()), tmp, Map.of("UNCLIP4J_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        ChildCli.assertExit(0, r);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*uint64_t MaxDirectMemorySize\\s+= 805306368\\s.*")), r.out());
    }

    /**
     * A limit set on a cgroup below the root (systemd-run -p MemoryMax, a batch scheduler) counts too: faked
     * on the folder of this process's own cgroup as /proc/self/cgroup names it (the v1 memory controller's
     * line, else v2's), the root's left unlimited.
     */
    @Test
    void aNestedCgroupsMemoryLimitCapsTheTensors() throws Exception {
        ChildCli.assumePrivateMounts();
        String own = "v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup); v2=$(awk -F: '$1 == 0 {print $3}' /proc/self/cgroup); ";
        Assumptions.assumeTrue(ChildCli.works("sh", "-c", own + "[ \"${v1:-/}\" != / ] || [ \"${v2:-/}\" != / ]"),
                "this process's cgroups are the roots: nothing nested to fake a limit on");
        markBuildUpToDate();
        String fake = own + "mount -t tmpfs tmpfs /sys/fs/cgroup && "
                + "if [ \"${v1:-/}\" != / ]; then d=/sys/fs/cgroup/memory; f=memory.limit_in_bytes; p=$v1; else d=/sys/fs/cgroup; f=memory.max; p=$v2; fi && "
                + "mkdir -p \"$d$p\" && echo max > \"$d/$f\" && echo 2147483648 > \"$d$p/$f\" && exec \"$0\" --version";
        ChildCli.Run r = ChildCli.run(List.of("unshare", "-m", "sh", "-c", fake, install.resolve("unclip4j").toString()), tmp,
                Map.of("UNCLIP4J_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        ChildCli.assertExit(0, r);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*uint64_t MaxDirectMemorySize\\s+= 1610612736\\s.*")), r.out());
    }

    /**
     * The launcher's cgroup_memory_limit on /proc/self/cgroup lines the kernel may write, against a fake
     * cgroup tree (the function taken from the script, its two paths swapped for files here): a path outside
     * a cgroup namespace's root ("/..") reads the root only, a line not ending in a newline counts, one not
     * absolute is skipped (going up from it hung the launcher), and no /proc/self/cgroup is no limit
     * (set -e ended the launcher on the redirection).
     */
    @Test
    void cgroupMemoryLimitReadsOddCgroupFiles() throws Exception {
        Path root = tmp.resolve("cg");
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("memory/x/y"));
        Files.writeString(root.resolve("memory.max"), "5000\n");
        Files.writeString(root.resolve("a/memory.max"), "3000\n");
        Files.writeString(root.resolve("a/b/memory.max"), "max\n");
        Files.writeString(root.resolve("memory/x/memory.limit_in_bytes"), "1000\n");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("0::/a/b\n", "3000");
        cases.put("0::/a/b", "3000");
        cases.put("0::/a/b (deleted)\n", "3000");
        cases.put("0::/\n", "5000");
        cases.put("0::/..\n", "5000");
        cases.put("0::/../../a/b\n", "5000");
        cases.put("0::relative\n", "");
        cases.put("garbage\n\n5:memory\n", "");
        cases.put("4:cpu,memory:/x/y\n1:name=systemd:/a\n", "1000");
        String launcher = Files.readString(Path.of("unclip4j"));
        String fn = launcher.substring(launcher.indexOf("cgroup_memory_limit() {"), launcher.indexOf("\n}\n", launcher.indexOf("cgroup_memory_limit() {")) + 3)
                .replace("/sys/fs/cgroup", root.toString());
        int n = 0;
        for (var c : cases.entrySet()) {
            Path file = Files.writeString(tmp.resolve("cgroup" + n++), c.getKey());
            ChildCli.Run r = ChildCli.run(List.of("timeout", "10", "bash", "-c", "set -euo pipefail\n" + fn.replace("/proc/self/cgroup", file.toString())
                    + "\ncgroup_memory_limit"), tmp, Map.of());
            assertEquals(0, r.code(), c.getKey() + ": " + r.err());
            assertEquals(c.getValue(), r.out().strip(), c.getKey());
        }
        ChildCli.Run none = ChildCli.run(List.of("bash", "-c", "set -euo pipefail\n" + fn.replace("/proc/self/cgroup", tmp.resolve("absent").toString())
                + "\ncgroup_memory_limit; echo done"), tmp, Map.of());
        assertEquals(0, none.code(), none.err());
        assertEquals("done", none.out().strip());
    }
}
