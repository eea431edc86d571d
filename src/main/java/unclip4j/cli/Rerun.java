package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import unclip4j.Main;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.checkpoint.RegularFile;

/**
 * The run {@code redo} makes of a recorded one: the recorded arguments without those that write
 * files and without the options the user leaves out ({@code --drop}) or gives again (after
 * {@code --}), then the rerun's {@code --out} and the changes. It is parsed before it runs, so the
 * files it will read can be checked against the recorded hashes and the files it will write against
 * the recorded run's own.
 */
final class Rerun {
    /** One recorded argument, {@code --name=value} or a flag, with the option it sets. */
    private record Recorded(OptionSpec option, String arg) {
        String value() {
            return arg.substring(arg.indexOf('=') + 1);
        }
    }

    final List<String> argv;
    /** The recorded options --drop left out, by their long names. */
    final List<String> dropped;
    private final RecordedRun run;
    private final List<Recorded> kept;
    private final Set<OptionSpec> replaced;
    private final RecordedCommand command;

    private Rerun(List<String> argv, List<String> dropped, RecordedRun run, List<Recorded> kept, Set<OptionSpec> replaced, RecordedCommand command) {
        this.argv = argv;
        this.dropped = dropped;
        this.run = run;
        this.kept = kept;
        this.replaced = replaced;
        this.command = command;
    }

    static Rerun of(RecordedRun run, List<String> changes, List<String> drops, Path out, boolean force) {
        CommandSpec target = new CommandLine(new Main()).getSubcommands().get(run.command()).getCommandSpec();
        List<Recorded> recorded = recorded(run, target);
        Set<OptionSpec> replaced = new HashSet<>();
        List<String> dropped = new ArrayList<>();
        for (String d : drops) {
            if (d.isBlank()) throw new IllegalArgumentException("--drop needs the name of a recorded option (e.g. --drop seed)");
            OptionSpec o = option(target, d.startsWith("-") ? d : "--" + d, "--drop " + d);
            if (recorded.stream().noneMatch(r -> r.option() == o)) throw new IllegalArgumentException("--drop " + d + ": the run did not record " + o.longestName());
            if (replaced.add(o)) dropped.add(o.longestName());
        }
        Set<OptionSpec> changed = changedOptions(target, changes);
        for (OptionSpec o : replaced) {
            if (o.required() && !changed.contains(o)) {
                throw new IllegalArgumentException("--drop " + o.longestName().substring(2) + ": " + target.name() + " needs "
                        + o.longestName() + "; give another value after -- instead");
            }
        }
        refuseExclusive(recorded, replaced, changed);
        replaced.addAll(changed);
        List<Recorded> kept = recorded.stream()
                .filter(r -> !RunArguments.OUTPUT_OPTIONS.contains(r.option().longestName()) && !replaced.contains(r.option())).toList();
        List<String> argv = new ArrayList<>(List.of(run.command()));
        kept.forEach(r -> argv.add(r.arg()));
        argv.add("--out=" + out);
        if (force && !replaced.contains(target.findOption("--force"))) argv.add("--force");
        List<String> replayed = List.copyOf(argv);
        argv.addAll(changes);
        return new Rerun(argv, dropped, run, kept, replaced, parse(run, replayed, argv));
    }

    /** The recorded arguments with their options; one the command does not have is the manifest's error. */
    private static List<Recorded> recorded(RecordedRun run, CommandSpec target) {
        List<Recorded> recorded = new ArrayList<>();
        for (String a : run.argv().subList(1, run.argv().size())) {
            String name = a.split("=", 2)[0];
            OptionSpec o = name.startsWith("-") ? target.findOption(name) : null;
            if (o != null && (o.usageHelp() || o.versionHelp())) throw new IllegalArgumentException(run.file() + ": argv holds " + name + ", which no run records");
            if (o == null) throw new IllegalArgumentException(run.file() + ": " + run.command() + " has no option " + name + " (a manifest of another unclip4j version?)");
            boolean flag = o.arity().max() == 0;
            if (flag == a.contains("=")) {
                throw new IllegalArgumentException(run.file() + ": argv holds " + a + (flag ? ", a value for a flag" : " without a value (--name=value)"));
            }
            if (!o.isMultiValue() && recorded.stream().anyMatch(r -> r.option() == o)) {
                throw new IllegalArgumentException(run.file() + ": argv holds " + name + " twice");
            }
            recorded.add(new Recorded(o, a));
        }
        return recorded;
    }

    /** Options a run cannot have together: giving one of them after -- needs a --drop of the other one the run recorded. */
    private static final List<List<String>> EXCLUSIVE = List.of(List.of("--seed", "--noise"));

    private static void refuseExclusive(List<Recorded> recorded, Set<OptionSpec> replaced, Set<OptionSpec> changed) {
        for (List<String> pair : EXCLUSIVE) {
            for (String given : pair) {
                String other = pair.get(1 - pair.indexOf(given));
                boolean gives = changed.stream().anyMatch(o -> o.longestName().equals(given));
                boolean keeps = recorded.stream().anyMatch(r -> r.option().longestName().equals(other) && !replaced.contains(r.option()));
                if (gives && keeps) {
                    throw new IllegalArgumentException("the run recorded " + other + ", which excludes " + given + "; add --drop "
                            + other.substring(2) + " to replace it");
                }
            }
        }
    }

    /** The options given after {@code --}; each must be one of the command's, and not --out (redo's own). */
    private static Set<OptionSpec> changedOptions(CommandSpec target, List<String> changes) {
        Set<OptionSpec> changed = new HashSet<>();
        for (int i = 0; i < changes.size(); i++) {
            String word = changes.get(i);
            if (!word.startsWith("-")) {
                throw new IllegalArgumentException(word + " is not an option of " + target.name() + " (changes go after --, and start with --)");
            }
            OptionSpec o = option(target, word.split("=", 2)[0], "after --");
            changed.add(o);
            if (!word.contains("=") && o.arity().max() > 0) i++; // the next word is its value, even one such as -5
        }
        return changed;
    }

    private static OptionSpec option(CommandSpec target, String name, String where) {
        OptionSpec o = target.findOption(name);
        if (o == null || o.usageHelp() || o.versionHelp()) throw new IllegalArgumentException(where + ": " + name + " is not an option of " + target.name());
        if (o.longestName().equals("--out")) throw new IllegalArgumentException("give the rerun's --out to redo itself");
        return o;
    }

    /**
     * The rerun as its command will see it, parsed before any check or work: a bad value among the
     * replayed arguments is the manifest's error, one among the changes the user's.
     */
    private static RecordedCommand parse(RecordedRun run, List<String> replayed, List<String> argv) {
        try {
            new CommandLine(new Main()).parseArgs(replayed.toArray(String[]::new));
        } catch (MissingParameterException e) {
            // a required option left out with --drop comes back after --; the whole rerun is parsed next
        } catch (ParameterException e) {
            throw new IllegalArgumentException(run.file() + ": " + e.getMessage());
        }
        try {
            return (RecordedCommand) new CommandLine(new Main()).parseArgs(argv.toArray(String[]::new)).subcommand().commandSpec().userObject();
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The rerun's option values, before its files are hashed (a typo in --device should not wait for gigabytes of model). */
    void checkOptions() {
        command.checkOptions();
    }

    /** Every input file the replayed arguments name must still have its recorded SHA-256. */
    void checkInputs() {
        for (Recorded r : kept) {
            OptionSpec o = r.option();
            if (!RunArguments.isPath(o) || o.longestName().equals("--model")) continue; // --model: a directory, see checkModel
            Path path = RecordedRun.path(run.file(), r.value(), "argv");
            String sha = run.inputs().get(path);
            String remedy = "give " + o.longestName() + " again after --" + (o.isMultiValue() ? " (all its values)" : "");
            if (sha == null) {
                throw new IllegalArgumentException(run.file() + ": " + r.arg() + " names an input whose SHA-256 is not recorded "
                        + "(it was not a regular file, a pipe perhaps); " + remedy);
            }
            checkFile("input " + o.longestName(), path, sha, remedy);
        }
    }

    /**
     * Every model file the rerun will read must be one the run read, with its SHA-256, unless the
     * user gave its part again after {@code --} (its file option, or --model for the parts looked up there).
     */
    void checkModel() {
        String remedy = "give the model again after -- (--model DIR, or --clip, --clip-stats, --prior, --decoder, --sr FILE)";
        ModelDirectory dir = command.modelOptions().openOrEmbedded();
        for (Part p : command.parts()) {
            if (givenAgain(p)) continue;
            for (Path f : dir.files(p)) {
                var recorded = run.modelFile(f, command.modelOptions().usesEmbedded());
                if (recorded.isEmpty()) {
                    // manifests written before 2026-11-27 listed a --prior/--decoder/--sr file but not the YAML beside it that the run read
                    String older = p.configNames() != null && p.configNames().contains(f.getFileName().toString())
                            ? " (or a manifest from before configs were recorded)" : "";
                    throw new IllegalArgumentException("the rerun would read model file " + f + ", which the run did not" + older + "; " + remedy);
                }
                checkFile("model file", f, recorded.get().sha256(), remedy);
            }
        }
    }

    private boolean givenAgain(Part part) {
        Set<String> names = new HashSet<>();
        replaced.forEach(o -> names.add(o.longestName()));
        return names.contains(part.option) || (names.contains("--model") && !command.modelOptions().files().containsKey(part));
    }

    private void checkFile(String what, Path path, String sha256, String remedy) {
        String problem = RegularFile.problem(path);
        if (problem != null) throw new IllegalArgumentException(what + " " + path + (Files.exists(path) ? " now " + problem : " is gone") + "; " + remedy);
        if (!RunManifest.sha256(path).equals(sha256)) {
            throw new IllegalArgumentException(what + " " + path + " changed since the run (" + run.file().getFileName()
                    + " recorded another SHA-256); " + remedy + " to rerun with it as it is now");
        }
    }

    /**
     * Refuses a rerun that would write over the recorded run's manifest or any file it wrote (the
     * same file, whatever the path: symbolic links and case-insensitive file systems included).
     */
    void refuseOverwriting() {
        List<Path> recorded = new ArrayList<>(List.of(run.file()));
        run.outputs().forEach(f -> recorded.add(f.path()));
        for (Path w : command.existingOutputs()) {
            for (Path r : recorded) {
                if (Files.exists(r) && sameFile(w, r)) {
                    throw new IllegalArgumentException("the rerun would write over " + r + " of the recorded run; give it another --out (or other names after --)");
                }
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(a + ": cannot compare with " + b + " (" + e.getMessage() + ")", e);
        }
    }
}
