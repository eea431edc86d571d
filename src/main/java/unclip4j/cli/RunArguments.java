package unclip4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The arguments of a picture run as the manifest records them, so that {@code redo} can run it again
 * from any directory: every option the user gave, as {@code --name=value} (the form that keeps a
 * value such as {@code -3} or {@code "-a cat"} a value), with file and directory paths made absolute;
 * and the input files with their SHA-256, so that a changed input is noticed before a rerun. Taken
 * before the command reads its input files, so the hashes are of what it read.
 */
record RunArguments(List<String> argv, List<Map<String, Object>> inputs) {
    /**
     * Options naming files the run writes, or how it writes them. {@code redo} leaves them out of a
     * rerun (it writes where its own --out says); every other path option is an input.
     */
    static final Set<String> OUTPUT_OPTIONS = Set.of("--out", "--save-tensor", "--save-noise", "--save-embedding", "--trace-dir", "--force");

    static RunArguments of(CommandSpec spec) {
        return new RunArguments(argv(spec), inputs(spec));
    }

    /** {@code [command, --option=value, ...]}: the options given, in the command's declaration order, repeated values in the order given. */
    private static List<String> argv(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> argv = new ArrayList<>();
        argv.add(spec.name());
        for (OptionSpec o : spec.options()) {
            if (!parsed.hasMatchedOption(o)) continue;
            if (o.arity().max() == 0) {
                argv.add(o.longestName()); // a flag such as --force: present or not
                continue;
            }
            for (String v : o.originalStringValues()) argv.add(o.longestName() + "=" + (isPath(o) ? absolute(v) : v));
        }
        return argv;
    }

    /** The input files given (not directories such as --model, whose files the manifest lists apart), each with its SHA-256. */
    private static List<Map<String, Object>> inputs(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!parsed.hasMatchedOption(o) || !isPath(o) || OUTPUT_OPTIONS.contains(o.longestName())) continue;
            for (String v : o.originalStringValues()) {
                Path file = Path.of(absolute(v));
                if (!Files.isRegularFile(file)) continue;
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("option", o.longestName());
                e.put("path", file.toString());
                e.put("sha256", RunManifest.sha256(file));
                inputs.add(e);
            }
        }
        return inputs;
    }

    /** Whether an option takes paths ({@code Path} or a collection of them). */
    static boolean isPath(ArgSpec a) {
        if (a.type() == Path.class) return true;
        Class<?>[] aux = a.auxiliaryTypes();
        return aux.length == 1 && aux[0] == Path.class && a.isMultiValue();
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}
