package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** Errors that are not exceptions, and errors in the arguments, still end in one line and exit 2. */
class CliErrorContractTest {

    @Command(name = "exhaust")
    static final class Exhaust implements Runnable {
        @Override
        public void run() {
            throw new OutOfMemoryError("Cannot reserve 83886128 bytes of direct buffer memory (allocated: 10680650672, limit: 10737418240)");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineWithTheSettingsToChange() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Cli.execute(new Exhaust(), new PrintWriter(out, true), new PrintWriter(err, true));
        String line = CliRunner.assertUserError(new CliRunner.Result(code, out.toString(), err.toString()),
                "out of memory", "Cannot reserve 83886128 bytes", "MaxDirectMemorySize");
        assertTrue(line.contains("UNCLIP4J_JAVA_OPTS"), line);
    }

    @Test
    void argumentErrorsAreOneLineWithThePointerToTheHelp() {
        CliRunner.assertUserError(CliRunner.run("generate", "--bogus"), "Unknown option: '--bogus'", "(see 'unclip4j generate --help')");
        CliRunner.assertUserError(CliRunner.run("generate", "--prior-guidance", "x", "--out", "x.png"), "'x' is not a float", "--help");
        CliRunner.assertUserError(CliRunner.run("encode-image", "--image", "a.png", "--preprocess", "nope", "--out", "a.safetensors"),
                "--preprocess", "--help");
    }
}
