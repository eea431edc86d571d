package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import unclip4j.checkpoint.CheckpointException;
import unclip4j.checkpoint.Checkpoints;
import unclip4j.checkpoint.FiniteCheck;
import unclip4j.checkpoint.KarloKeys;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.StateDict;
import unclip4j.checkpoint.TensorInfo;
import unclip4j.config.ClipConfig;
import unclip4j.config.KarloYaml;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;
import unclip4j.tensor.Shape;

/** {@code unclip4j inspect FILE}: format, component, every tensor, totals, and the config the shapes imply. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List a checkpoint's tensors (name, dtype, shape, bytes), totals and inferred config.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "A .pt/.ckpt/.th/.bin (PyTorch zip) or .safetensors file.")
    Path path;

    @Option(names = "--strict", description = "Fail when a weight is NaN or infinite (default: warn).")
    boolean strict;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (Files.isDirectory(path)) throw new CheckpointException(path + ": is a directory; inspect takes one checkpoint file");
        String format = Checkpoints.format(path);
        StateDict sd = Checkpoints.read(path);
        out.println("file       " + path);
        out.println("format     " + format);
        out.println("component  " + component(sd));
        long params = 0, bytes = 0;
        int nameWidth = sd.keys().stream().mapToInt(String::length).max().orElse(4);
        for (String k : sd.keys()) {
            TensorInfo i = sd.info(k);
            out.printf("  %-" + nameWidth + "s  %-4s  %-20s  %d%n", k, i.dtype(), Shape.toString(i.shape()), i.byteSize());
            params += i.numel();
            bytes += i.byteSize();
        }
        out.printf("total      %d tensors, %d parameters, %d bytes%n", sd.size(), params, bytes);
        switch (component(sd)) {
            case "CLIP" -> out.println("config     " + ClipConfig.fromStateDict(sd));
            case "prior" -> checkConfig(out, sd, Part.PRIOR, KarloYaml::prior, PriorConfig.karloV1Alpha(), KarloKeys::prior);
            case "decoder" -> checkConfig(out, sd, Part.DECODER, KarloYaml::decoder, UNetConfig.karloV1Alpha(), KarloKeys::decoder);
            case "SR" -> checkConfig(out, sd, Part.SR, KarloYaml::sr, SrConfig.karloV1Alpha(), KarloKeys::sr);
            default -> { }
        }
        List<String> bad = FiniteCheck.nonFinite(sd);
        if (!bad.isEmpty()) {
            String msg = bad.size() + " tensor(s) hold NaN or Inf: " + String.join(", ", bad.subList(0, Math.min(5, bad.size())));
            if (strict) throw new CheckpointException(path + ": " + msg);
            spec.commandLine().getErr().println("warning: " + msg);
        }
        return 0;
    }

    /**
     * Prior, decoder and SR checkpoints do not store their config (Karlo reads a YAML): take the YAML
     * beside the file under the names {@link ModelDirectory} looks for, else the Karlo v1.0 alpha
     * preset, and say whether every key and shape of the file is what that config builds.
     */
    private <C> void checkConfig(PrintWriter out, StateDict sd, Part part, Function<Path, C> readYaml, C preset,
                                 Function<C, Map<String, long[]>> keysOf) {
        Path dir = path.toAbsolutePath().getParent();
        Path yaml = ModelDirectory.presentConfig(part.configNames().stream().map(dir::resolve).toList()).orElse(null);
        C config = yaml == null ? preset : readYaml.apply(yaml);
        out.println("config     " + config + "  (" + (yaml == null ? "no YAML beside the file: Karlo v1.0 alpha's preset" : "from " + yaml) + ")");
        Map<String, long[]> expected = keysOf.apply(config);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!sd.contains(e.getKey())) differences.add("missing " + e.getKey());
            else if (!Arrays.equals(sd.info(e.getKey()).shape(), e.getValue())) differences.add("shape " + e.getKey());
        }
        for (String k : sd.keys()) if (!expected.containsKey(k)) differences.add("unexpected " + k);
        out.println(differences.isEmpty()
                ? "shapes     every key and shape matches this config (" + expected.size() + " keys)"
                : "shapes     " + differences.size() + " keys do not match this config, e.g. " + String.join(", ", differences.subList(0, Math.min(3, differences.size()))));
    }

    /** Which Karlo component the key names say this is. */
    static String component(StateDict sd) {
        if (sd.contains("visual.proj") || sd.contains("token_embedding.weight")) return "CLIP";
        if (sd.contains("model.prd_emb")) return "prior";
        if (sd.contains("model.clip_tok_proj.weight")) return "decoder";
        if (sd.keys().stream().anyMatch(k -> k.startsWith("model_first_steps."))) return "SR";
        if (sd.size() == 2 && sd.contains("0") && sd.contains("1")) return "CLIP stats";
        return "unknown";
    }
}
