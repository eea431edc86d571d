package unclip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A picture run as its manifest recorded it ({@link RunManifest}): the command and its arguments, the
 * input and model files with their SHA-256, and the files it wrote. Reading one checks its shape, so a
 * manifest that is not one ends in one error line. It is only data: a rerun writes nowhere but the
 * {@code --out} given to {@code redo}, and what it checks before running follows the arguments it replays.
 */
record RecordedRun(Path file, JsonNode root, String command, List<String> argv, Map<Path, String> inputs,
                   boolean embeddedModel, List<RecordedFile> modelFiles, List<RecordedFile> outputs) {
    /** The commands that write a manifest with their arguments. */
    static final Set<String> PICTURE_COMMANDS = Set.of("generate", "vary", "interpolate", "textdiff", "decode");

    /** The options that say where the weights come from: giving one again skips the check of the recorded model files. */
    private static final Set<String> MODEL_OPTIONS = Set.of("--model", "--clip", "--clip-stats", "--prior", "--decoder", "--sr");

    /** Far above any manifest (a caption set of 100,000 pictures lists about 20 MB of outputs). */
    private static final long MAX_BYTES = 256L << 20;

    /** A file the run read or wrote, with its SHA-256. */
    record RecordedFile(Path path, String sha256) {}

    static RecordedRun read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such manifest file");
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException(file + ": too large for a run manifest");
            root = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String command = root != null && root.path("command").isTextual() ? root.path("command").asText() : null;
        if (command == null || !PICTURE_COMMANDS.contains(command)) {
            throw new IllegalArgumentException(file + ": not the manifest of a picture run (" + String.join(", ", PICTURE_COMMANDS.stream().sorted().toList()) + ")");
        }
        JsonNode args = root.path("argv");
        if (!args.isArray()) {
            throw new IllegalArgumentException(file + ": records no arguments (written before unclip4j recorded them); run " + command + " again by hand");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode a : args) argv.add(text(file, a, "argv"));
        if (argv.isEmpty() || !argv.getFirst().equals(command)) {
            throw new IllegalArgumentException(file + ": argv does not start with its command " + command);
        }
        Map<Path, String> inputs = new HashMap<>();
        for (RecordedFile f : files(file, root.path("inputs"), "inputs")) inputs.put(f.path(), f.sha256());
        JsonNode model = root.path("model");
        List<RecordedFile> modelFiles = files(file, model.path("files"), "model.files");
        if (modelFiles.isEmpty()) throw new IllegalArgumentException(file + ": lists no model files");
        for (RecordedFile f : modelFiles) {
            if (f.path().getFileName() == null) throw new IllegalArgumentException(file + ": model file " + f.path() + " has no file name");
        }
        return new RecordedRun(file, root, command, List.copyOf(argv), inputs, model.path("embedded_test_model").asBoolean(false),
                modelFiles, files(file, root.path("outputs"), "outputs"));
    }

    private static String text(Path file, JsonNode node, String where) {
        if (!node.isTextual()) throw new IllegalArgumentException(file + ": " + where + " holds a " + node.getNodeType().name().toLowerCase() + " where a string belongs");
        return node.asText();
    }

    /** An array of {@code {"path": ..., "sha256": ...}} objects. */
    private static List<RecordedFile> files(Path file, JsonNode array, String where) {
        if (!array.isArray()) throw new IllegalArgumentException(file + ": " + where + " is not a list of files");
        List<RecordedFile> files = new ArrayList<>();
        for (JsonNode f : array) {
            String path = text(file, f.path("path"), where + " path"), sha = text(file, f.path("sha256"), where + " sha256");
            files.add(new RecordedFile(path(file, path, where), sha));
        }
        return files;
    }

    private Path path(String path, String where) {
        return path(file, path, where);
    }

    private static Path path(Path file, String path, String where) {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(file + ": " + where + " holds an invalid path (" + e.getReason() + ")");
        }
    }

    /**
     * The recorded options the rerun leaves out: those {@code drops} names and those {@code changes}
     * gives again. Each must be an option of the command, and neither may be --out (redo's own).
     */
    Set<OptionSpec> replacedOptions(CommandSpec target, List<String> changes, List<String> drops) {
        Set<OptionSpec> replaced = new HashSet<>();
        for (String d : drops) replaced.add(option(target, d.startsWith("-") ? d : "--" + d, "--drop"));
        for (int i = 0; i < changes.size(); i++) {
            String word = changes.get(i);
            if (!word.startsWith("-")) throw new IllegalArgumentException("after --: " + word + " is not an option (options start with --)");
            OptionSpec o = option(target, word.split("=", 2)[0], "after --");
            replaced.add(o);
            if (!word.contains("=") && o.arity().max() > 0) i++; // the next word is its value, even one such as -5
        }
        return replaced;
    }

    private OptionSpec option(CommandSpec target, String name, String where) {
        OptionSpec o = target.findOption(name);
        if (o == null || o.usageHelp() || o.versionHelp()) throw new IllegalArgumentException(where + ": " + name + " is not an option of " + command);
        if (o.longestName().equals("--out")) throw new IllegalArgumentException("give the rerun's --out to redo itself");
        return o;
    }

    /**
     * The rerun's arguments: the recorded ones without those that write files (the rerun writes to
     * {@code out}) and without the replaced options, then {@code --out}, then the changes.
     */
    List<String> rerunArguments(CommandSpec target, Set<OptionSpec> replaced, List<String> changes, Path out, boolean force) {
        List<String> rerun = new ArrayList<>(List.of(command));
        for (String a : argv.subList(1, argv.size())) {
            OptionSpec o = recordedOption(target, a);
            if (!RunArguments.OUTPUT_OPTIONS.contains(o.longestName()) && !replaced.contains(o)) rerun.add(a);
        }
        rerun.add("--out=" + out);
        if (force && !replaced.contains(target.findOption("--force"))) rerun.add("--force");
        rerun.addAll(changes);
        return rerun;
    }

    private OptionSpec recordedOption(CommandSpec target, String arg) {
        String name = arg.split("=", 2)[0];
        OptionSpec o = name.startsWith("-") ? target.findOption(name) : null;
        if (o == null || o.usageHelp() || o.versionHelp()) {
            throw new IllegalArgumentException(file + ": " + command + " has no option " + name + " (a manifest of another unclip4j version?)");
        }
        return o;
    }

    /**
     * Checks that the input files the replayed arguments name, and the model files, are still what the
     * run read (same SHA-256), except where the options were replaced. The embedded test model is
     * looked for in this installation, under its recorded file names.
     */
    void checkInputs(CommandSpec target, Set<OptionSpec> replaced) {
        for (String a : argv.subList(1, argv.size())) {
            OptionSpec o = recordedOption(target, a);
            if (replaced.contains(o) || !RunArguments.isPath(o) || RunArguments.OUTPUT_OPTIONS.contains(o.longestName()) || !a.contains("=")) continue;
            if (o.longestName().equals("--model")) continue; // a directory: its files are the model files below
            Path path = path(a.split("=", 2)[1], "argv");
            String sha = inputs.get(path);
            if (sha == null) throw new IllegalArgumentException(file + ": " + a + " names an input whose SHA-256 is not recorded");
            checkFile("input " + o.longestName(), path, sha, "give it again after --");
        }
        for (OptionSpec o : replaced) if (MODEL_OPTIONS.contains(o.longestName())) return;
        for (RecordedFile f : modelFiles) {
            Path now = embeddedModel ? ModelOptions.embeddedModel().resolve(f.path().getFileName()) : f.path();
            checkFile("model file", now, f.sha256(), "give the model again after -- (--model DIR, or --clip, --prior, --decoder, --sr FILE)");
        }
    }

    private void checkFile(String what, Path path, String sha256, String remedy) {
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException(what + " " + path + " is gone; " + remedy);
        if (!RunManifest.sha256(path).equals(sha256)) {
            throw new IllegalArgumentException(what + " " + path + " changed since the run (" + file.getFileName()
                    + " recorded another SHA-256); " + remedy + " to rerun with it as it is now");
        }
    }

    /**
     * Refuses an {@code --out} whose pictures or manifest would overwrite this run's manifest or the
     * files it wrote: a rerun is compared with them, never written over them.
     */
    void refuseOverwriting(Path out) {
        Path target = out.toAbsolutePath().normalize();
        String name = target.getFileName().toString(), stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Pattern rerunFiles = Pattern.compile(Pattern.quote(name) + "|" + Pattern.quote(stem) + "(-\\d+\\.png|\\.json)");
        List<Path> recorded = new ArrayList<>(List.of(file));
        for (RecordedFile f : outputs) recorded.add(f.path());
        for (Path p : recorded) {
            Path abs = p.toAbsolutePath().normalize();
            if (abs.getParent() != null && abs.getParent().equals(target.getParent()) && rerunFiles.matcher(abs.getFileName().toString()).matches()) {
                throw new IllegalArgumentException("--out " + out + " would overwrite " + abs + " of the recorded run; give the rerun another name");
            }
        }
    }

    /** The PNGs the run wrote. */
    List<RecordedFile> pictures() {
        return outputs.stream().filter(f -> f.path().toString().toLowerCase().endsWith(".png")).toList();
    }

    /** A recorded setting (backend, dtype, kernels, platform), as JSON text; "(none)" when absent. */
    String setting(String key) {
        JsonNode v = root.path(key);
        return v.isMissingNode() || v.isNull() ? "(none)" : v.isTextual() ? v.asText() : v.toString();
    }

    /** The {@code -Dunclip4j.*} settings the run had (see {@link RunManifest#settingProperties()}). */
    Map<String, String> properties() {
        Map<String, String> props = new TreeMap<>();
        root.path("platform").path("properties").properties().forEach(e -> props.put(e.getKey(), e.getValue().asText()));
        return props;
    }
}
