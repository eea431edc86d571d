package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static unclip4j.cli.CliRunner.assertUserError;
import static unclip4j.cli.CliRunner.listing;
import static unclip4j.cli.CliRunner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import unclip4j.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.image.RgbImage;
import unclip4j.tensor.Tensor;
import unclip4j.testing.Fixtures;

/**
 * {@code redo} on the embedded model: a manifest's recorded arguments draw the same pictures again
 * (bit for bit on the CPU), options after {@code --} change the rerun and {@code --check} measures
 * by how much, changed inputs are refused before any work, and a manifest that is not one, or asks
 * for writes elsewhere, gets one error line or is not obeyed.
 */
class RedoCommandTest {
    private static final List<String> FEW_STEPS = List.of("--prior-steps", "3", "--decoder-steps", "3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    private static String[] withFewSteps(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(FEW_STEPS);
        return all.toArray(String[]::new);
    }

    private JsonNode manifest(String name) throws Exception {
        return JSON.readTree(tmp.resolve(name).toFile());
    }

    private String copyOfInputPicture() throws Exception {
        return Files.copy(Fixtures.file("input.png"), tmp.resolve("in.png")).toString();
    }

    /** The first row of a prior-shaped embedding file, for decode. */
    private String embeddings() {
        StateDict sd = new StateDict("test");
        float[] v = new float[2 * 64];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i);
        sd.put("image_embedding", Tensor.of(v, 2, 64));
        Path f = tmp.resolve("emb.safetensors");
        SafetensorsWriter.write(f, sd, Map.of());
        return f.toString();
    }

    private String[] recordedRun(String command) throws Exception {
        return switch (command) {
            case "generate" -> new String[] {"generate", "--prompt", "a red cube", "--prompt", "-a blue sphere", "--seed=-3", "--grid", "false"};
            case "vary" -> new String[] {"vary", "--image", copyOfInputPicture(), "--batch", "2", "--seed", "4"};
            case "decode" -> new String[] {"decode", "--embedding", embeddings(), "--prompt", "a red cube", "--seed", "5"};
            case "interpolate" -> new String[] {"interpolate", "--prompt", "a red cube", "--prompt", "a blue sphere", "--frames", "3", "--seed", "6"};
            case "textdiff" -> new String[] {"textdiff", "--image", copyOfInputPicture(), "--from", "a cube", "--to", "a sphere",
                    "--amounts", "0,0.5", "--seed", "7"};
            default -> throw new IllegalArgumentException(command);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "vary", "decode", "interpolate", "textdiff"})
    void rerunOfEveryPictureCommandIsIdentical(String command) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(withFewSteps(recordedRun(command))));
        args.addAll(List.of("--out", path("a.png")));
        ok(args.toArray(String[]::new));
        CliRunner.Result r = ok("redo", path("a.json"), "--out", path("b.png"), "--check");
        assertTrue(r.out().contains(" PNG(s) identical"), r.out());
        assertFalse(r.out().contains("differs"), r.out());
        // the rerun records what the run recorded, but its own --out
        List<String> before = new ArrayList<>(), after = new ArrayList<>();
        manifest("a.json").get("argv").forEach(a -> before.add(a.asText().replace("a.png", "b.png")));
        manifest("b.json").get("argv").forEach(a -> after.add(a.asText()));
        assertEquals(before.stream().sorted().toList(), after.stream().sorted().toList());
        assertEquals(manifest("a.json").get("inputs"), manifest("b.json").get("inputs"));
    }

    @Test
    void recordedArgumentsAreAbsoluteAndOutputsHashed() throws Exception {
        // as parsed: --name=value (a value may start with -), relative paths made absolute
        CommandLine cl = new CommandLine(new Main());
        cl.parseArgs("vary", "--image", "some/dir/../in.png", "--seed", "-3", "--out", "o.png", "--grid", "false");
        RunArguments parsed = RunArguments.of(cl.getSubcommands().get("vary").getCommandSpec());
        assertTrue(parsed.argv().contains("--image=" + Path.of("some/in.png").toAbsolutePath()), parsed.argv().toString());
        assertTrue(parsed.argv().containsAll(List.of("vary", "--seed=-3", "--out=" + Path.of("o.png").toAbsolutePath(), "--grid=false")),
                parsed.argv().toString());
        assertEquals(List.of(), parsed.inputs(), "a file that does not exist is no input");

        ok(withFewSteps("vary", "--image", copyOfInputPicture(), "--seed", "1", "--save-tensor", path("t.safetensors"), "--out", path("a.png")));
        JsonNode m = manifest("a.json");
        assertEquals(RunManifest.sha256(tmp.resolve("in.png")), CliRunner.inputSha256(m, tmp.resolve("in.png")));
        assertEquals("--image", m.at("/inputs/0/option").asText());
        assertEquals(path("a.png"), m.at("/outputs/0/path").asText());
        assertEquals(RunManifest.sha256(tmp.resolve("a.png")), m.at("/outputs/0/sha256").asText());
        assertEquals(RunManifest.sha256(tmp.resolve("t.safetensors")), m.at("/outputs/1/sha256").asText());
        assertTrue(m.at("/platform/float_vector_bits").asInt() >= 64, m.toString());
    }

    /**
     * A recorded prompt may hold U+FFFD (a caption scraped with one; a run from before such command lines were
     * refused): redo replays it. Only the JVM's own command line is checked for what Java could not decode.
     */
    @Test
    void aRecordedPromptWithAReplacementCharacterIsRedone() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a caf\uFFFD cube", "--seed", "4", "--out", path("a.png")));
        CliRunner.Result r = ok("redo", path("a.json"), "--out", path("b.png"), "--check");
        assertTrue(r.out().contains("1 of 1 PNG(s) identical"), r.out());
    }

    @Test
    void optionsAfterDashesChangeTheRerunAndCheckSaysByHowMuch() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--batch", "2", "--grid", "false", "--seed", "9", "--out", path("a.png")));
        CliRunner.Result r = run("redo", path("a.json"), "--out", path("b.png"), "--check", "--", "--decoder-guidance", "1", "--seed", "-9");
        assertEquals(RedoCommand.DIFFERS, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*b-0\\.png differs from .*a-0\\.png: \\d+ of 12288 values, by at most \\d+/255.*"), r.out());
        assertTrue(r.out().contains("0 of 2 PNG(s) identical"), r.out());
        JsonNode m = manifest("b.json");
        assertEquals(1.0, m.at("/guidance/decoder").asDouble());
        assertEquals(-9, m.at("/noise/seed").asLong());
        // a recorded picture that is gone can only be compared by its hash
        Files.delete(tmp.resolve("a-1.png"));
        r = run("redo", path("a.json"), "--out", path("c.png"), "--check", "--", "--decoder-guidance=1");
        assertEquals(RedoCommand.DIFFERS, r.code(), r.err());
        assertTrue(r.out().contains("which is gone or changed"), r.out());
        // splitting into batches changes nothing
        ok("redo", path("a.json"), "--out", path("d.png"), "--check", "--", "--max-batch", "1");
    }

    @Test
    void changedInputsAreRefusedBeforeAnyWork() throws Exception {
        String in = copyOfInputPicture();
        ok(withFewSteps("vary", "--image", in, "--seed", "2", "--out", path("a.png")));
        Files.write(Path.of(in), unclip4j.image.OutputImages.png(new RgbImage(8, 8, new byte[8 * 8 * 3])));
        List<String> before = listing(tmp);
        assertUserError(run("redo", path("a.json"), "--out", path("b.png")), "input --image", "changed since the run");
        assertEquals(before, listing(tmp));
        // given again after --, the input is taken as it is now
        ok("redo", path("a.json"), "--out", path("b.png"), "--", "--image", in);

        ObjectNode m = (ObjectNode) manifest("a.json");
        ((ObjectNode) m.at("/model/files/0")).put("sha256", "0".repeat(64));
        JSON.writeValue(tmp.resolve("tampered.json").toFile(), m);
        assertUserError(run("redo", path("tampered.json"), "--out", path("c.png"), "--", "--image", in), "model file", "changed since the run");
        // what is checked follows the replayed arguments, not the manifest's list
        ObjectNode unlisted = (ObjectNode) manifest("a.json");
        unlisted.put("inputs", JSON.createArrayNode());
        JSON.writeValue(tmp.resolve("unlisted.json").toFile(), unlisted);
        assertUserError(run("redo", path("unlisted.json"), "--out", path("c.png")), "names an input whose SHA-256 is not recorded");
        Files.delete(Path.of(in));
        assertUserError(run("redo", path("a.json"), "--out", path("c.png")), "input --image", "is gone");
        Files.createDirectory(Path.of(in));
        assertUserError(run("redo", path("a.json"), "--out", path("c.png")), "input --image " + in + " now is a directory, not a file");
        assertFalse(Files.exists(tmp.resolve("c.png")));
    }

    @Test
    void recordedOutputsAreNotWrittenAgain() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--seed", "1", "--out", path("a.png")));
        ObjectNode m = (ObjectNode) manifest("a.json");
        ArrayNode argv = (ArrayNode) m.get("argv");
        argv.add("--save-tensor=" + path("elsewhere.safetensors")).add("--save-noise=" + path("noise.safetensors"))
                .add("--trace-dir=" + path("trace")).add("--force");
        JSON.writeValue(tmp.resolve("more.json").toFile(), m);
        ok("redo", path("more.json"), "--out", path("b.png"));
        assertEquals(List.of("a.json", "a.png", "b.json", "b.png", "more.json"), listing(tmp));
        // without --force the rerun's own outputs are not overwritten
        assertUserError(run("redo", path("a.json"), "--out", path("b.png")), "b.png");
        ok("redo", path("a.json"), "--out", path("b.png"), "--force");
    }

    @Test
    void manifestsThatAreNotOnesEndInOneErrorLine() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--out", path("a.png")));
        ObjectNode good = (ObjectNode) manifest("a.json");
        assertUserError(run("redo", path("missing.json"), "--out", path("b.png")), "manifest " + path("missing.json") + ": no such file");
        Files.writeString(tmp.resolve("text.json"), "{ not json");
        assertUserError(run("redo", path("text.json"), "--out", path("b.png")), "not JSON");
        Files.writeString(tmp.resolve("array.json"), "[1, 2]");
        assertUserError(run("redo", path("array.json"), "--out", path("b.png")), "not the manifest of a picture run");
        assertUserError(run("redo", path(edited("bench.json", good, m -> m.put("command", "bench"))), "--out", path("b.png")),
                "not the manifest of a picture run");
        assertUserError(run("redo", path(edited("old.json", good, m -> m.remove("argv"))), "--out", path("b.png")), "records no arguments");
        assertUserError(run("redo", path(edited("number.json", good, m -> ((ArrayNode) m.get("argv")).add(3))), "--out", path("b.png")),
                "argv holds a number");
        assertUserError(run("redo", path(edited("other.json", good, m -> ((ArrayNode) m.get("argv")).set(0, "vary"))), "--out", path("b.png")),
                "does not start with its command generate");
        assertUserError(run("redo", path(edited("unknown.json", good, m -> ((ArrayNode) m.get("argv")).add("--evil=1"))), "--out", path("b.png")),
                "generate has no option --evil");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--", "--evil", "1"), "after --: --evil is not an option of generate");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--", "--out", path("c.png")), "give the rerun's --out to redo itself");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--", "--decoder-guidance", "x"),
                "Invalid value for option '--decoder-guidance'");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "seed", "1"), "seed is not an option of generate (changes go after --, and start with --)");
        assertUserError(run("redo", path(edited("help.json", good, m -> ((ArrayNode) m.get("argv")).add("--help"))), "--out", path("b.png")),
                "argv holds --help, which no run records");
        Files.writeString(tmp.resolve("trailing.json"), good.toString() + " garbage");
        assertUserError(run("redo", path("trailing.json"), "--out", path("b.png")), "not JSON");
        assertUserError(run("redo", path(edited("root.json", good, m -> ((ObjectNode) m.at("/model/files/0")).put("path", "/"))), "--out", path("b.png")),
                "has no file name");
        assertUserError(run("redo", path(edited("nul.json", good, m -> ((ObjectNode) m.at("/model/files/0")).put("path", "a\0b"))), "--out", path("b.png")),
                "invalid path");
        assertUserError(run("redo", path(edited("nomodel.json", good, m -> m.remove("model"))), "--out", path("b.png")), "model.files is not a list");
        assertUserError(run("redo", path(edited("inputs.json", good, m -> m.put("inputs", "abc"))), "--out", path("b.png")), "inputs is not a list");
        unclip4j.testing.SparseFile.write(tmp.resolve("huge.json"), new byte[0], 300L << 20);
        assertUserError(run("redo", path("huge.json"), "--out", path("b.png")), "too large for a run manifest");
        assertFalse(Files.exists(tmp.resolve("b.png")));
        assertFalse(Files.exists(tmp.resolve("c.png")));
    }

    /** What a hand-edited manifest or a mistaken redo gets wrong is said as such, naming the manifest where it is at fault. */
    @Test
    void mistakesInTheManifestOrTheChangesAreNamedForWhatTheyAre() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--seed", "4", "--out", path("a.png")));
        ObjectNode good = (ObjectNode) manifest("a.json");
        assertUserError(run("redo", path(edited("twice.json", good, m -> ((ArrayNode) m.get("argv")).add("--prior-steps=5"))), "--out", path("b.png")),
                "twice.json: argv holds --prior-steps twice");
        assertUserError(run("redo", path(edited("bare.json", good, m -> ((ArrayNode) m.get("argv")).add("--decoder-guidance"))), "--out", path("b.png")),
                "bare.json: argv holds --decoder-guidance without a value (--name=value)");
        assertUserError(run("redo", path(edited("badvalue.json", good, m -> ((ArrayNode) m.get("argv")).add("--decoder-guidance=x"))), "--out", path("b.png")),
                "badvalue.json: Invalid value for option '--decoder-guidance'");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--", "--noise", path("a.json")),
                "the run recorded --seed, which excludes --noise; add --drop seed to replace it");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--drop="), "--drop needs the name of a recorded option");
        Path fifo = unclip4j.testing.NamedPipe.create(tmp.resolve("pipe.json"));
        assertUserError(run("redo", fifo.toString(), "--out", path("b.png")), "not a regular file (a pipe or device?)");
        assertUserError(run("redo", tmp.toString(), "--out", path("b.png")), "manifest " + tmp + ": is a directory");
        assertFalse(Files.exists(tmp.resolve("b.png")));

        ok("redo", path("a.json"), "--out", path("c.png"), "--drop", "decoder-steps", "--drop", "decoder-steps", "--", "--decoder-steps", "3");
        assertEquals("[\"--decoder-steps\"]", manifest("c.json").at("/redo_of/dropped").toString(), "a repeated --drop is recorded once");
    }

    /** Manifests from before configs were recorded list a --prior file but not the YAML beside it: redo says that may be why. */
    @Test
    void aManifestWithoutTheYamlOfAPriorFileSaysItMayBeOld() throws Exception {
        ok(withFewSteps("generate", "--model", Fixtures.file("MANIFEST.md").getParent().toString(), "--prior", Fixtures.file("prior-tiny.ckpt").toString(),
                "--prompt", "a red cube", "--out", path("a.png")));
        ObjectNode m = (ObjectNode) manifest("a.json");
        ArrayNode files = (ArrayNode) m.at("/model/files");
        for (int i = files.size() - 1; i >= 0; i--) if (files.get(i).get("path").asText().endsWith("prior.yaml")) files.remove(i);
        JSON.writeValue(tmp.resolve("old.json").toFile(), m);
        assertUserError(run("redo", path("old.json"), "--out", path("b.png")), "prior.yaml, which the run did not (or a manifest from before configs were recorded)");
    }

    /** A prompt the run accepted (here 21 M characters, above Jackson's default limit) is read back from its manifest. */
    @Test
    void aManifestWithAHugePromptIsReadBack() throws Exception {
        Path f = tmp.resolve("long.json");
        String prompt = "a".repeat(21_000_000);
        Files.writeString(f, "{\"command\": \"generate\", \"argv\": [\"generate\", \"--prompt=" + prompt + "\"], \"inputs\": [], "
                + "\"model\": {\"files\": [{\"path\": \"/m/clip.safetensors\", \"sha256\": \"0\"}]}, \"outputs\": []}");
        assertEquals(prompt.length() + "--prompt=".length(), RecordedRun.read(f).argv().get(1).length());
    }

    @Test
    void embeddedModelIsFoundInThisInstallationByFileName() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--seed", "1", "--out", path("a.png")));
        ObjectNode m = (ObjectNode) manifest("a.json");
        for (JsonNode f : m.at("/model/files")) {
            ((ObjectNode) f).put("path", "/elsewhere/weights/tiny/" + Path.of(f.get("path").asText()).getFileName());
        }
        JSON.writeValue(tmp.resolve("moved.json").toFile(), m);
        ok("redo", path("moved.json"), "--out", path("b.png"), "--check");
        m.with("model").put("embedded_test_model", false);
        JSON.writeValue(tmp.resolve("other.json").toFile(), m);
        assertUserError(run("redo", path("other.json"), "--out", path("c.png")), "the rerun would read model file", "which the run did not",
                "give the model again after --");
    }

    @Test
    void dropLeavesARecordedOptionOut() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--seed", "3", "--save-noise", path("n.safetensors"), "--out", path("a.png")));
        ok(withFewSteps("generate", "--prompt", "a red cube", "--noise", path("n.safetensors"), "--out", path("replayed.png")));
        String sha = RunManifest.sha256(tmp.resolve("replayed.json"));
        CliRunner.Result r = run("redo", path("replayed.json"), "--out", path("b.png"), "--", "--seed", "3");
        assertUserError(r, "the run recorded --noise, which excludes --seed; add --drop noise to replace it");
        r = ok("redo", path("replayed.json"), "--out", path("b.png"), "--drop", "noise", "--check", "--", "--seed", "3");
        assertTrue(r.out().contains("1 of 1 PNG(s) identical"), r.out());
        JsonNode m = manifest("b.json");
        assertEquals(3, m.at("/noise/seed").asLong());
        assertEquals(path("replayed.json"), m.at("/redo_of/manifest").asText());
        assertEquals("[\"--noise\"]", m.at("/redo_of/dropped").toString());
        assertEquals(sha, m.at("/redo_of/sha256").asText());
        assertEquals("[\"--seed\",\"3\"]", m.at("/redo_of/changes").toString());
        assertUserError(run("redo", path("replayed.json"), "--out", path("c.png"), "--drop", "--evil"), "--drop --evil: --evil is not an option of generate");
        assertUserError(run("redo", path("replayed.json"), "--out", path("c.png"), "--drop", "seed"), "--drop seed: the run did not record --seed");
    }

    @Test
    void theRecordedRunIsNeverOverwritten() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--batch", "2", "--grid", "false", "--seed", "1", "--out", path("a.png")));
        List<String> before = listing(tmp);
        String sha = RunManifest.sha256(tmp.resolve("a.json"));
        assertUserError(run("redo", path("a.json"), "--out", path("a.png"), "--force", "--", "--decoder-guidance", "2"),
                "would write over", "a-0.png");
        assertUserError(run("redo", path("a.json"), "--out", path("a.png"), "--force", "--", "--grid", "true"), "would write over", "a.json");
        assertUserError(run("redo", path("a.json"), "--out", path("e.png"), "--force", "--", "--save-tensor", path("a.json")),
                "would write over", "a.json");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp);
        assertUserError(run("redo", path("a.json"), "--out", link.resolve("a.png").toString(), "--force", "--", "--decoder-guidance", "2"),
                "would write over");
        Files.delete(link);
        assertEquals(before, listing(tmp));
        assertEquals(sha, RunManifest.sha256(tmp.resolve("a.json")));
        // a name that only looks like the run's numbered pictures is no collision when the rerun writes a grid
        ok(withFewSteps("generate", "--prompt", "a red cube", "--seed", "1", "--out", path("x-1.png")));
        ok("redo", path("x-1.json"), "--out", path("x.png"));
    }

    @Test
    void aModelFileGivenAgainStillChecksTheOthers() throws Exception {
        Path model = Files.createDirectory(tmp.resolve("model"));
        try (var files = Files.list(ModelOptions.embeddedModel())) {
            for (Path f : files.toList()) Files.copy(f, model.resolve(f.getFileName()));
        }
        ok(withFewSteps("generate", "--model", model.toString(), "--prompt", "a red cube", "--seed", "1", "--out", path("a.png")));
        Path decoder = model.resolve("decoder.safetensors");
        byte[] bytes = Files.readAllBytes(decoder);
        bytes[bytes.length - 1] ^= 1; // one bit of the last weight
        Files.write(decoder, bytes);
        Path prior = Files.copy(model.resolve("prior.safetensors"), tmp.resolve("prior-copy.safetensors"));
        assertUserError(run("redo", path("a.json"), "--out", path("b.png"), "--", "--prior", prior.toString()),
                "model file " + decoder, "changed since the run");
        // given again, the changed decoder is the user's choice
        ok("redo", path("a.json"), "--out", path("b.png"), "--", "--prior", prior.toString(), "--decoder", decoder.toString());
    }

    @Test
    void aPriorGivenAsItsOwnFileRunsOnItsOwnConfigWhichTheManifestRecords() throws Exception {
        Path prior = Fixtures.oneLayerPrior(tmp.resolve("P")), yaml = tmp.resolve("P").resolve("prior.yaml");
        ok(withFewSteps("generate", "--model", ModelOptions.embeddedModel().toString(), "--prior", prior.toString(), "--prompt", "a red cube", "--seed", "1", "--out", path("a.png")));
        assertTrue(manifest("a.json").at("/model/files").toString().contains(yaml.toString()), manifest("a.json").toString());
        Files.writeString(yaml, Files.readString(yaml) + "# edited\n");
        assertUserError(run("redo", path("a.json"), "--out", path("b.png")), "model file " + yaml, "changed since the run");
    }

    @Test
    void checkNeedsRecordedPictures() throws Exception {
        ok(withFewSteps("generate", "--prompt", "a red cube", "--save-tensor", path("t.safetensors")));
        assertUserError(run("redo", path("t.json"), "--out", path("b.png"), "--check"), "--check compares PNGs", "wrote none");
        ok("redo", path("t.json"), "--out", path("b.png"));
    }

    @Test
    void settingsMadeByPropertiesAreNamedBeforeTheRerun() throws Exception {
        System.setProperty("unclip4j.cpu.conv", "winograd_f2");
        try {
            ok(withFewSteps("generate", "--prompt", "a red cube", "--batch", "2", "--grid", "false", "--seed", "2", "--out", path("a.png")));
        } finally {
            System.clearProperty("unclip4j.cpu.conv");
        }
        assertEquals("winograd_f2", manifest("a.json").at("/platform/properties/unclip4j.cpu.conv").asText());
        CliRunner.Result r = run("redo", path("a.json"), "--out", path("b.png"), "--check");
        assertTrue(r.out().contains("note: the run had -Dunclip4j.cpu.conv=winograd_f2, this rerun (unset)"), r.out());
        assertTrue(r.out().contains("check: backend was cpu-vector conv=winograd_f2, now cpu-vector (may change rounding)"), r.out());
        // the option that makes the same choice redraws the same pictures
        r = ok("redo", path("a.json"), "--out", path("c.png"), "--check", "--", "--cpu-conv", "winograd_f2");
        assertTrue(r.out().contains("2 of 2 PNG(s) identical"), r.out());
    }

    private String edited(String name, ObjectNode manifest, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode copy = manifest.deepCopy();
        edit.accept(copy);
        JSON.writeValue(tmp.resolve(name).toFile(), copy);
        return name;
    }
}
