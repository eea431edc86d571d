package unclip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import unclip4j.Main;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.kernel.KernelChoice;

/**
 * {@code redo MANIFEST.json --out FILE.png [--check] [--drop OPTION] [-- OPTION ...]}: a picture run
 * again from the manifest it wrote. The recorded arguments are replayed with the outputs redirected,
 * after checking that the input and model files are the ones the run read; {@code --drop} and options
 * after {@code --} change the rerun (a one-variable experiment on a recorded picture); {@code --check}
 * compares the pictures.
 */
@Command(name = "redo", mixinStandardHelpOptions = true,
        description = {"Runs a picture command (generate, vary, interpolate, textdiff, decode, sweep) again from the manifest it wrote "
                + "(out.png -> out.json): the recorded arguments, with the pictures written to --out. The input and model files "
                + "must still have their recorded SHA-256. The rerun writes only the pictures and their manifest "
                + "(recorded --save-*, --trace-dir are left out; give them again after --).",
                "",
                "Options after -- change the rerun, replacing all recorded values of those options; --drop leaves a recorded "
                        + "option out:",
                "  unclip4j redo a.json --out b.png -- --decoder-guidance 4",
                "  unclip4j redo a.json --out b.png --drop noise -- --seed 1",
                "",
                "Exit status: 0 when the rerun ran (with --check: and every picture is identical), 1 when --check found "
                        + "differences, 2 on an error."})
public final class RedoCommand implements Callable<Integer> {
    /** The exit status of a rerun whose pictures differ from the recorded ones: a result, not an error. */
    static final int DIFFERS = 1;

    @Parameters(index = "0", paramLabel = "MANIFEST.json", description = "The manifest a picture command wrote beside its pictures.")
    Path manifest;

    @Parameters(index = "1..*", paramLabel = "OPTION", description = "After --: options of the recorded command that change the rerun.")
    List<String> changes = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE.png",
            description = "Where the rerun writes its picture(s), as the command's --out; never over the recorded run's files.")
    Path out;

    @Option(names = "--drop", paramLabel = "OPTION",
            description = "Leave this recorded option out of the rerun (e.g. noise, to seed a run that replayed --noise; kernel, to "
                    + "redo a CUDA run on the CPU). Repeatable.")
    List<String> drops = new ArrayList<>();

    @Option(names = "--check", description = "Compare the rerun's PNGs with the recorded ones: identical bytes, else how many 8-bit "
            + "values differ and by how much.")
    boolean check;

    @Option(names = "--force", description = "Overwrite existing output files (never the recorded run's).")
    boolean force;

    @Option(names = "--verbose", description = "Show stack traces on errors (also passed to the rerun).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RecordedRun run = RecordedRun.read(manifest);
        Rerun rerun = Rerun.of(run, changes, drops, out, force);
        rerun.refuseOverwriting();
        if (check && run.pictures().isEmpty()) {
            throw new IllegalArgumentException("--check compares PNGs, and the run wrote none (only --save-tensor)");
        }
        rerun.checkOptions();
        rerun.checkInputs();
        rerun.checkModel();
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        o.println("redo: unclip4j " + String.join(" ", rerun.argv.stream().map(RedoCommand::quoted).toList()));
        run.properties().ifPresent(recorded -> noteProperties(recorded, o));
        List<String> argv = new ArrayList<>(rerun.argv);
        if (verbose && !argv.contains("--verbose")) argv.add("--verbose");
        int code = Cli.execute(new Main(), o, err, argv.toArray(String[]::new));
        if (code != 0) return code;
        recordProvenance(rerunManifest(), run, rerun.dropped);
        return check ? check(run, RecordedRun.read(rerunManifest()), o) : 0;
    }

    /**
     * -D settings are not arguments: say where this JVM's differ from the run's, as they may change
     * the pictures, and how to make them equal.
     */
    private static void noteProperties(Map<String, String> recorded, PrintWriter o) {
        Map<String, String> now = RunManifest.settingProperties();
        Set<String> names = new TreeSet<>(recorded.keySet());
        names.addAll(now.keySet());
        for (String name : names) {
            String then = recorded.get(name);
            if (Objects.equals(then, now.get(name))) continue;
            String fix = then == null ? "run without -D" + name
                    : name.equals(ConvAlgorithm.PROPERTY) ? "give --cpu-conv " + then + " after --"
                    : name.startsWith(KernelChoice.PROPERTY_PREFIX) ? "give --kernel " + name.substring(KernelChoice.PROPERTY_PREFIX.length()) + "=" + then + " after --"
                    : "set UNCLIP4J_JAVA_OPTS=-D" + name + "=" + then;
            o.println("note: the run had -D" + name + "=" + (then == null ? "(unset)" : then) + ", this rerun "
                    + now.getOrDefault(name, "(unset)") + "; for the same arithmetic " + fix);
        }
    }

    /** Adds to the rerun's manifest which manifest it redid and how it changed it. */
    private void recordProvenance(Path rerun, RecordedRun run, List<String> dropped) {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode m = (ObjectNode) json.readTree(rerun.toFile());
            m.putPOJO("redo_of", RunManifest.map("manifest", run.file().toAbsolutePath().normalize().toString(),
                    "sha256", run.sha256(), "dropped", dropped, "changes", changes));
            new OutputFiles(true).write(rerun, json.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(rerun + ": cannot add the redo record (" + e.getMessage() + ")", e);
        }
    }

    /** Compares the settings that decide rounding, then the pictures one by one; DIFFERS when any picture does. */
    private static int check(RecordedRun before, RecordedRun after, PrintWriter o) {
        for (String key : List.of("backend", "dtype", "kernels", "platform")) {
            if (!before.setting(key).equals(after.setting(key))) {
                o.println("check: " + key + " was " + before.setting(key) + ", now " + after.setting(key) + " (may change rounding)");
            }
        }
        List<RecordedRun.RecordedFile> recorded = before.pictures(), rerun = after.pictures();
        if (recorded.size() != rerun.size()) {
            o.println("check: the run wrote " + recorded.size() + " PNG(s), the rerun " + rerun.size());
            return DIFFERS;
        }
        int identical = 0;
        for (int i = 0; i < recorded.size(); i++) {
            PictureComparison c = PictureComparison.of(recorded.get(i), rerun.get(i).path());
            o.println("check: " + rerun.get(i).path().getFileName() + " " + c.summary());
            if (c.identical()) identical++;
        }
        o.println("check: " + identical + " of " + recorded.size() + " PNG(s) identical");
        return identical == recorded.size() ? 0 : DIFFERS;
    }

    /** The rerun's manifest: where its command put it for the --out given. */
    private Path rerunManifest() {
        return OutputOptions.manifestBeside(out);
    }

    private static String quoted(String arg) {
        return arg.matches("[A-Za-z0-9_./=:,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
