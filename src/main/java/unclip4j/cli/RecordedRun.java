package unclip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A picture run as its manifest recorded it ({@link RunManifest}): the command and its arguments, the
 * input and model files with their SHA-256, and the files it wrote. Reading one checks its shape, so a
 * manifest that is not one ends in one error line; it is only data (a rerun writes nowhere but the
 * {@code --out} given to {@code redo}).
 */
record RecordedRun(Path file, JsonNode root, String command, List<String> argv) {
    /** The commands that write a manifest with their arguments. */
    static final Set<String> PICTURE_COMMANDS = Set.of("generate", "vary", "interpolate", "textdiff", "decode");

    /** The options that say where the weights come from: changing one of them skips the check of the recorded model files. */
    private static final Set<String> MODEL_OPTIONS = Set.of("--model", "--clip", "--clip-stats", "--prior", "--decoder", "--sr");

    /** Far above any manifest (a caption set of 100,000 pictures lists about 20 MB of outputs). */
    private static final long MAX_BYTES = 256L << 20;

    static RecordedRun read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such manifest file");
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException(file + ": too large for a run manifest");
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String command = root != null && root.path("command").isTextual() ? root.path("command").asText() : null;
        if (command == null || !PICTURE_COMMANDS.contains(command)) {
            throw new IllegalArgumentException(file + ": not the manifest of a picture run (" + String.join(", ", sorted(PICTURE_COMMANDS)) + ")");
        }
        JsonNode args = root.path("argv");
        if (!args.isArray()) {
            throw new IllegalArgumentException(file + ": records no arguments (written before unclip4j recorded them); run " + command + " again by hand");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode a : args) {
            if (!a.isTextual()) throw new IllegalArgumentException(file + ": argv holds a " + a.getNodeType().name().toLowerCase() + ", not a string");
            argv.add(a.asText());
        }
        if (argv.isEmpty() || !argv.getFirst().equals(command)) {
            throw new IllegalArgumentException(file + ": argv does not start with its command " + command);
        }
        return new RecordedRun(file, root, command, List.copyOf(argv));
    }

    /**
     * The rerun's arguments: the recorded ones without those that write files (the rerun writes to
     * {@code out}) and without the options {@code changes} gives again, then {@code --out}, then the changes.
     */
    List<String> rerunArguments(CommandSpec target, List<String> changes, Path out, boolean force) {
        Set<OptionSpec> changed = changedOptions(target, changes);
        List<String> rerun = new ArrayList<>(List.of(command));
        for (String a : argv.subList(1, argv.size())) {
            OptionSpec o = target.findOption(a.split("=", 2)[0]);
            if (o == null) {
                throw new IllegalArgumentException(file + ": " + command + " has no option " + a.split("=", 2)[0] + " (a manifest of another unclip4j version?)");
            }
            if (!RunArguments.OUTPUT_OPTIONS.contains(o.longestName()) && !changed.contains(o)) rerun.add(a);
        }
        rerun.add("--out=" + out);
        if (force && !changed.contains(target.findOption("--force"))) rerun.add("--force");
        rerun.addAll(changes);
        return rerun;
    }

    /** The options the user gives again after {@code --}; each must be one of the command's, and not --out (redo's own). */
    private Set<OptionSpec> changedOptions(CommandSpec target, List<String> changes) {
        Set<OptionSpec> changed = new HashSet<>();
        for (int i = 0; i < changes.size(); i++) {
            String name = changes.get(i).split("=", 2)[0];
            OptionSpec o = target.findOption(name);
            if (o == null) throw new IllegalArgumentException("after --: " + name + " is not an option of " + command);
            if (o.longestName().equals("--out")) throw new IllegalArgumentException("give the rerun's --out to redo itself, before --");
            changed.add(o);
            if (!changes.get(i).contains("=") && o.arity().max() > 0) i++; // the next word is its value, even one such as -5
        }
        return changed;
    }

    /**
     * Checks that every input file, and every model file, is still what the run read (same SHA-256),
     * except where {@code changes} names new ones; the embedded test model is looked for in this
     * installation, under its recorded file names.
     */
    void checkInputs(CommandSpec target, List<String> changes) {
        Set<OptionSpec> changed = changedOptions(target, changes);
        for (JsonNode in : root.path("inputs")) {
            OptionSpec o = target.findOption(in.path("option").asText());
            if (o != null && changed.contains(o)) continue;
            checkFile("input " + in.path("option").asText(), Path.of(in.path("path").asText()), in.path("sha256").asText());
        }
        for (OptionSpec o : changed) if (MODEL_OPTIONS.contains(o.longestName())) return;
        JsonNode model = root.path("model");
        boolean embedded = model.path("embedded_test_model").asBoolean(false);
        for (JsonNode f : model.path("files")) {
            Path recorded = Path.of(f.path("path").asText());
            Path now = embedded ? ModelOptions.embeddedModel().resolve(recorded.getFileName()) : recorded;
            checkFile("model file", now, f.path("sha256").asText());
        }
    }

    private void checkFile(String what, Path path, String sha256) {
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException(what + " " + path + " is gone; give it again after --");
        if (!RunManifest.sha256(path).equals(sha256)) {
            throw new IllegalArgumentException(what + " " + path + " changed since the run (" + file.getFileName()
                    + " recorded another SHA-256); give it again after -- to rerun with it as it is now");
        }
    }

    /** The PNGs the run wrote, with their recorded SHA-256 (null where the manifest lists paths only). */
    List<RecordedFile> pictures() {
        List<RecordedFile> pngs = new ArrayList<>();
        for (JsonNode o : root.path("outputs")) {
            String path = o.isTextual() ? o.asText() : o.path("path").asText();
            String sha = o.path("sha256").isTextual() ? o.path("sha256").asText() : null;
            if (path.toLowerCase().endsWith(".png")) pngs.add(new RecordedFile(Path.of(path), sha));
        }
        return pngs;
    }

    /** A recorded setting (backend, dtype, kernels, platform), as JSON text; empty when absent. */
    String setting(String key) {
        JsonNode v = root.path(key);
        return v.isMissingNode() ? "" : v.isTextual() ? v.asText() : v.toString();
    }

    record RecordedFile(Path path, String sha256) {}

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
