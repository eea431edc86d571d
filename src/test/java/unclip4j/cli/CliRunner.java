package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import unclip4j.Main;

/** Runs the CLI in-process, as {@code ./unclip4j} would, and checks the error contract. */
public final class CliRunner {
    public record Result(int code, String out, String err) {}

    private CliRunner() {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Cli.execute(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Exit 2, exactly one "error: ..." line on stderr containing the expected words, no stack trace; returns that line. */
    public static String assertUserError(Result r, String... expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        return r.err().strip();
    }

    /** The names in a directory: after a failed run there must be no output and no temporary file. */
    public static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 a run manifest's {@code inputs} list for a file. */
    public static String inputSha256(JsonNode manifest, Path file) {
        for (JsonNode in : manifest.get("inputs")) if (in.get("path").asText().equals(file.toString())) return in.get("sha256").asText();
        throw new AssertionError(file + " not among the inputs: " + manifest.get("inputs"));
    }
}
