package unclip4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import unclip4j.Main;

/** Runs the CLI in-process through {@link Cli#execute(Object, PrintWriter, PrintWriter, String...)}. */
public final class CommandRunner {
    public record Result(int code, String out, String err) {}

    private CommandRunner() {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Cli.execute(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
