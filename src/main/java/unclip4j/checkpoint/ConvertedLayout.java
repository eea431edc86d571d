package unclip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.KarloYaml;
import unclip4j.tensor.DType;
import unclip4j.io.OutputFolder;
import unclip4j.io.TemporaryFiles;

/**
 * Our own model layout, written by {@code unclip4j convert}: one safetensors file per component
 * under Karlo key names (exactly what {@link ModelDirectory} returns, so loading is zero copy)
 * and the component's config in Karlo's YAML format:
 * <pre>
 *   unclip4j-model.json          marker: format name, version, files
 *   clip.safetensors             OpenAI CLIP names
 *   clip_stats.safetensors       clip_mean, clip_std
 *   prior.safetensors  prior.yaml
 *   decoder.safetensors  decoder.yaml
 *   sr.safetensors  sr.yaml
 * </pre>
 * Converting the same input twice gives byte-identical files.
 */
public final class ConvertedLayout {
    static final String MARKER = "unclip4j-model.json";
    static final int VERSION = 1;

    private ConvertedLayout() {}

    /** Far above any marker (a few hundred bytes). */
    private static final long MARKER_MAX_BYTES = 1 << 16;

    /**
     * Checks the marker of a folder taken for a converted model: a JSON object with format
     * "unclip4j" and the layout version this build reads. A damaged marker or another version's
     * layout is refused here, before its files are read as something they may not be.
     */
    static void requireMarker(Path dir) {
        Path marker = dir.resolve(MARKER);
        String remedy = "convert the model again with unclip4j convert (or remove " + MARKER + " if the folder is not a converted model)";
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(RegularFile.readText(marker, MARKER_MAX_BYTES));
        } catch (IOException e) {
            throw new CheckpointException(marker + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + "); " + remedy);
        }
        if (!j.isObject() || !"unclip4j".equals(j.path("format").asText(null))) {
            throw new CheckpointException(marker + ": not an unclip4j model marker (no \"format\": \"unclip4j\"); " + remedy);
        }
        JsonNode version = j.path("version");
        if (!version.isInt()) throw new CheckpointException(marker + ": no integer \"version\"; " + remedy);
        if (version.asInt() != VERSION) {
            throw new CheckpointException(marker + ": converted-model layout version " + version.asInt() + ", but this unclip4j reads version "
                    + VERSION + " only; convert the original model again with this unclip4j's convert");
        }
    }

    /** Every file {@link #write} writes into dir. */
    public static List<Path> files(Path dir) {
        List<Path> files = new ArrayList<>();
        for (Part p : List.of(Part.CLIP_STATS, Part.CLIP, Part.PRIOR, Part.DECODER, Part.SR)) {
            files.add(weightsFile(dir, p));
            if (p.configNames != null) files.add(configFile(dir, p));
        }
        files.add(dir.resolve(MARKER));
        return files;
    }

    static Path weightsFile(Path dir, Part part) {
        return dir.resolve(baseName(part) + ".safetensors");
    }

    static Path configFile(Path dir, Part part) {
        return dir.resolve(baseName(part) + ".yaml");
    }

    private static String baseName(Part part) {
        return switch (part) {
            case CLIP -> "clip";
            case CLIP_STATS -> "clip_stats";
            case PRIOR -> "prior";
            case DECODER -> "decoder";
            case SR -> "sr";
        };
    }

    /**
     * Writes every component of src into out. dtype null keeps each tensor's stored dtype;
     * otherwise floating-point tensors are converted to it (integer buffers stay as they are).
     * Returns the files written.
     *
     * <p>The files are made in a temporary folder inside out and moved into place only when all of
     * them are written, so a conversion that fails midway (a bad config, a full disk) leaves out as it
     * was: no half model, and an earlier conversion being replaced with {@code --force} intact. The
     * moves are renames within one file system; should one fail all the same, the earlier marker is
     * already gone (and the new one comes last), so the folder is not taken for a model of mixed files.
     */
    public static List<Path> write(ModelDirectory src, Path out, DType dtype) {
        try (OutputFolder folder = new OutputFolder(out)) { // the folders made for out go again if the conversion fails
            Path staging = TemporaryFiles.register(out.resolve(".convert-" + UUID.randomUUID() + ".tmp"));
            try {
                try {
                    Files.createDirectories(staging);
                } catch (IOException e) {
                    throw new CheckpointException(out + ": cannot create directory (" + e.getMessage() + ")");
                }
                List<Path> made = writeAll(src, staging, dtype);
                Files.deleteIfExists(out.resolve(MARKER));
                List<Path> written = new ArrayList<>();
                for (Path staged : made) {
                    Path file = out.resolve(staged.getFileName());
                    Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    written.add(file);
                }
                folder.keep();
                return written;
            } catch (IOException e) {
                throw new CheckpointException(out + ": cannot move the converted files into place (" + e.getMessage() + ")", e);
            } finally {
                TemporaryFiles.remove(staging); // empty after the moves; whatever a failure left, else
            }
        }
    }

    private static List<Path> writeAll(ModelDirectory src, Path out, DType dtype) {
        Function<TensorInfo, DType> dtypeOf = i -> dtype != null && i.dtype().isFloatingPoint() ? dtype : i.dtype();
        Map<String, String> meta = Map.of("format", "unclip4j", "source_layout", src.layout().name().toLowerCase(Locale.ROOT));
        List<Path> written = new ArrayList<>();

        ClipStats stats = src.clipStats();
        StateDict statsDict = new StateDict("clip stats");
        statsDict.put("clip_mean", stats.mean());
        statsDict.put("clip_std", stats.std());
        written.add(weights(out, Part.CLIP_STATS, statsDict, meta, dtypeOf));
        written.add(weights(out, Part.CLIP, src.weights(Part.CLIP), meta, dtypeOf));
        var prior = src.prior();
        written.add(weights(out, Part.PRIOR, prior.weights(), meta, dtypeOf));
        written.add(config(out, Part.PRIOR, KarloYaml.dump(prior.config())));
        var decoder = src.decoder();
        written.add(weights(out, Part.DECODER, decoder.weights(), meta, dtypeOf));
        written.add(config(out, Part.DECODER, KarloYaml.dump(decoder.config())));
        var sr = src.sr();
        written.add(weights(out, Part.SR, sr.weights(), meta, dtypeOf));
        written.add(config(out, Part.SR, KarloYaml.dump(sr.config())));

        // the marker last: it is what makes a folder a converted model
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("format", "unclip4j");
        marker.put("version", VERSION);
        marker.put("files", written.stream().map(p -> p.getFileName().toString()).toList());
        try {
            Path m = out.resolve(MARKER);
            writeText(m, new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(marker) + "\n");
            written.add(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointException(out + ": cannot write " + MARKER + " (" + e.getMessage() + ")");
        }
        return written;
    }

    private static Path weights(Path out, Part part, StateDict sd, Map<String, String> meta, Function<TensorInfo, DType> dtypeOf) {
        Path f = weightsFile(out, part);
        SafetensorsWriter.write(f, sd, meta, dtypeOf);
        return f;
    }

    private static Path config(Path out, Part part, String yaml) {
        Path f = configFile(out, part);
        writeText(f, yaml);
        return f;
    }

    private static void writeText(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
