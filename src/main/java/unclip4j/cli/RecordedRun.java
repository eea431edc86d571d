package unclip4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import unclip4j.Main;
import unclip4j.checkpoint.RegularFile;

/**
 * A picture run as its manifest ({@link RunManifest}) recorded it: the command and its arguments, the
 * input and model files with their SHA-256, the files it wrote, and the settings that decide its
 * rounding. Reading one checks its shape, so a manifest that is not one ends in one error line.
 */
record RecordedRun(Path file, String sha256, JsonNode root, String command, List<String> argv, Map<Path, String> inputs,
                   boolean embeddedModel, List<RecordedFile> modelFiles, List<RecordedFile> outputs) {
    /** The commands that write a manifest with their arguments ({@link RecordedCommand}s). */
    static final Set<String> RECORDED_COMMANDS = new CommandLine(new Main()).getSubcommands().entrySet().stream()
            .filter(c -> c.getValue().getCommandSpec().userObject() instanceof RecordedCommand).map(Map.Entry::getKey)
            .collect(Collectors.toUnmodifiableSet());

    /** Far above any manifest (a caption set of 100,000 pictures lists about 20 MB of outputs). */
    private static final long MAX_BYTES = 256L << 20;

    /** Jackson's default string limit (20 M characters) is below a prompt the run itself accepted and recorded. */
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength((int) MAX_BYTES).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A file the run read or wrote, with its SHA-256. */
    record RecordedFile(Path path, String sha256) {}

    static RecordedRun read(Path file) {
        String problem = RegularFile.problem(file);
        if (problem != null) throw new IllegalArgumentException("manifest " + file + ": " + problem);
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException(file + ": too large for a run manifest");
            root = READER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String command = root != null && root.path("command").isTextual() ? root.path("command").asText() : null;
        if (command == null || !RECORDED_COMMANDS.contains(command)) {
            throw new IllegalArgumentException(file + ": not the manifest of a picture run (" + String.join(", ", RECORDED_COMMANDS.stream().sorted().toList()) + ")");
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
        Map<Path, String> inputs = new TreeMap<>();
        for (RecordedFile f : files(file, root.path("inputs"), "inputs")) inputs.put(f.path(), f.sha256());
        JsonNode model = root.path("model");
        List<RecordedFile> modelFiles = files(file, model.path("files"), "model.files");
        if (modelFiles.isEmpty()) throw new IllegalArgumentException(file + ": lists no model files");
        for (RecordedFile f : modelFiles) {
            if (f.path().getFileName() == null) throw new IllegalArgumentException(file + ": model file " + f.path() + " has no file name");
        }
        return new RecordedRun(file, RunManifest.sha256(file), root, command, List.copyOf(argv), inputs,
                model.path("embedded_test_model").asBoolean(false), modelFiles, files(file, root.path("outputs"), "outputs"));
    }

    private static String text(Path file, JsonNode node, String where) {
        if (!node.isTextual()) throw new IllegalArgumentException(file + ": " + where + " holds a " + node.getNodeType().name().toLowerCase() + " where a string belongs");
        return node.asText();
    }

    /** An array of {@code {"path": ..., "sha256": ...}} objects. */
    private static List<RecordedFile> files(Path file, JsonNode array, String where) {
        if (!array.isArray()) throw new IllegalArgumentException(file + ": " + where + " is not a list of files");
        List<RecordedFile> files = new ArrayList<>();
        for (JsonNode f : array) files.add(new RecordedFile(path(file, text(file, f.path("path"), where + " path"), where), text(file, f.path("sha256"), where + " sha256")));
        return files;
    }

    /** A path the manifest holds; an invalid one (a NUL byte, say) is the manifest's error. */
    static Path path(Path file, String path, String where) {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(file + ": " + where + " holds an invalid path (" + e.getReason() + ")");
        }
    }

    /** The recorded model file a rerun's file is: the same path, or for the embedded test model the same name in this installation. */
    Optional<RecordedFile> modelFile(Path now, boolean nowEmbedded) {
        Path abs = now.toAbsolutePath().normalize();
        return modelFiles.stream().filter(f -> embeddedModel && nowEmbedded ? f.path().getFileName().equals(abs.getFileName()) : f.path().equals(abs)).findFirst();
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

    /** The -D settings the run had ({@link RunManifest#settingProperties()}); empty when the manifest predates their recording. */
    Optional<Map<String, String>> properties() {
        JsonNode p = root.path("platform").path("properties");
        if (!p.isObject()) return Optional.empty();
        Map<String, String> props = new TreeMap<>();
        p.properties().forEach(e -> props.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return Optional.of(props);
    }
}
