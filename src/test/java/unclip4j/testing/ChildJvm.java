package unclip4j.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for a JVM of its own, for what one test JVM cannot show: process-wide settings, a different environment. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * java, this JVM's options (the module, vector and memory flags the tests run with; no agents), then
     * extraOptions, the class path, main and args.
     */
    public static List<String> command(List<String> extraOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (!a.startsWith("-javaagent")) command.add(a);
        command.addAll(extraOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
