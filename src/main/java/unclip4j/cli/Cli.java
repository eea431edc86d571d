package unclip4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs a picocli command with the project's error contract: a user error prints one line on stderr
 * and exits 2; the stack trace only with {@code --verbose} (or {@code -Dunclip4j.verbose=true}).
 * Running out of memory (a batch or size too large for the JVM's limits) is reported the same way,
 * with the settings that raise the limits.
 */
public final class Cli {
    public static final int USAGE_ERROR = 2;
    /** System property: stack traces on errors, as --verbose. */
    static final String VERBOSE_PROPERTY = "unclip4j.verbose";

    private Cli() {}

    /** The CLI on the arguments the JVM was started with (Main): one Java could not decode (holding U+FFFD) is refused. */
    public static int execute(Object command, String... args) {
        return execute(command, null, null, true, args);
    }

    /** As {@link #execute(Object, String...)}, writing to the given streams (null: System.out / System.err); redo replays a run so. */
    public static int execute(Object command, PrintWriter out, PrintWriter err, String... args) {
        return execute(command, out, err, false, args);
    }

    private static int execute(Object command, PrintWriter out, PrintWriter err, boolean commandLine, String... args) {
        CommandLine cl = new CommandLine(command);
        if (out != null) cl.setOut(out);
        if (err != null) cl.setErr(err);
        cl.setExecutionStrategy(parsed -> {
            // after parsing, so that help, version and doctor (which reports the settings) run whatever they are
            if (!diagnostic(parsed)) {
                try {
                    SettingsCheck.run();
                } catch (IllegalArgumentException e) {
                    cl.getErr().println("error: " + message(e));
                    return USAGE_ERROR;
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        boolean verbose = "true".equalsIgnoreCase(System.getProperty(VERBOSE_PROPERTY, "").trim()); // SettingsCheck refuses other values
        for (String a : args) if (a.equals("--verbose")) verbose = true;
        final boolean showTrace = verbose;
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (showTrace) ex.printStackTrace();
            line.getErr().println("error: " + message(ex));
            return USAGE_ERROR;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + message(ex) + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        // U+FFFD on the command line: Java met bytes its locale's charset cannot decode (é under LANG=C), so the prompt
        // or path is not the one typed. Not so in a manifest's arguments (a recorded prompt may hold one, as a caption may)
        String undecoded = commandLine ? Arrays.stream(args).filter(a -> a.indexOf('\uFFFD') >= 0).findFirst().orElse(null) : null;
        if (undecoded != null) {
            cl.getErr().println("error: argument '" + Printable.of(undecoded) + "' holds bytes that Java cannot decode in this locale's charset ("
                    + System.getProperty("sun.jnu.encoding") + "); run it in a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (./unclip4j does where LANG=C)");
            return USAGE_ERROR;
        }
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // an Error: picocli's handlers see only exceptions
            if (showTrace) e.printStackTrace();
            cl.getErr().println("error: out of memory: " + message(e) + "; give the JVM more with UNCLIP4J_JAVA_OPTS=\"-Xmx<heap> "
                    + "-XX:MaxDirectMemorySize=<tensors>\" or ask for less (fewer pictures or rows at once, smaller sizes)");
            return USAGE_ERROR;
        } catch (Error e) { // a bug here or a broken Java installation: one line too, the stack trace with --verbose
            if (showTrace) e.printStackTrace();
            cl.getErr().println("error: internal error: " + message(e) + " (--verbose shows where; please report it)");
            return USAGE_ERROR;
        }
    }

    /** Whether the command line asks for help, the version or doctor. */
    private static boolean diagnostic(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested() || p.commandSpec().userObject() instanceof DoctorCommand) return true;
        }
        return false;
    }

    /** The most informative single line for an exception: its own message, else its cause's, else its type. */
    static String message(Throwable ex) {
        Throwable t = ex;
        while (t != null) {
            // one line whatever it holds: a newline in a path must not cut off the reason (parser errors are
            // cut to their first line where they are wrapped), and escapes for what a terminal would act on
            if (t.getMessage() != null && !t.getMessage().isBlank()) return Printable.of(t.getMessage().strip());
            t = t.getCause();
        }
        return ex.getClass().getSimpleName();
    }
}
