package unclip4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.image.OutputImages;
import unclip4j.image.RgbImage;
import unclip4j.io.TemporaryFiles;
import unclip4j.tensor.Tensor;

/**
 * Where the pictures go: one PNG (a grid when there are several pictures) or numbered PNGs, the
 * raw tensor, and the run manifest beside them ({@code out.png} → {@code out.json}).
 */
public final class OutputOptions {
    /** A grid is for looking at: 16 × 16 pictures of 256 px are already 4096 px square. */
    static final int MAX_GRID_PICTURES = 256;

    @Option(names = "--out", paramLabel = "FILE.png", description = "PNG to write: one picture, or a grid of all of them (see --grid).")
    Path out;

    @Option(names = "--grid", paramLabel = "true|false", arity = "1", defaultValue = "true",
            description = "Several pictures as one grid PNG (true; at most " + MAX_GRID_PICTURES + ") or as numbered files out-0.png, out-1.png, ... (false). Default: ${DEFAULT-VALUE}.")
    boolean grid;

    @Option(names = "--save-tensor", paramLabel = "FILE.safetensors",
            description = "Also write the pictures as tensor 'image', F32 [N,3,H,W] in [0,1], before the 8-bit conversion.")
    Path saveTensor;

    @Option(names = "--force", description = "Overwrite existing output files.")
    boolean force;

    private OutputFiles files() {
        return new OutputFiles(force);
    }

    /** Checks every file the run will write (PNGs, tensor, manifest, and the extras such as --save-noise) before any work. */
    void check(int pictures, Path... extras) {
        if (out == null && saveTensor == null) throw new IllegalArgumentException("nothing to write: give --out FILE.png and/or --save-tensor FILE.safetensors");
        if (out != null && !out.getFileName().toString().toLowerCase().endsWith(".png")) {
            throw new IllegalArgumentException("--out " + out + ": must name a .png file");
        }
        if (out != null && grid && pictures > MAX_GRID_PICTURES) {
            throw new IllegalArgumentException(pictures + " pictures make too large a grid (at most " + MAX_GRID_PICTURES
                    + "); write them as numbered files with --grid false");
        }
        List<Path> all = new ArrayList<>(pngs(pictures));
        if (saveTensor != null) all.add(saveTensor);
        all.add(manifest());
        for (Path p : extras) if (p != null) all.add(p);
        Set<Path> seen = new HashSet<>();
        for (Path p : all) {
            if (!seen.add(p.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(p + " would be written twice: the pictures, --save-tensor, the manifest (" + manifest().getFileName()
                        + ") and the other outputs need names of their own");
            }
        }
        OutputFiles f = files();
        for (Path p : all) f.check(p);
    }

    /** The PNG files for this many pictures: --out itself, or numbered siblings with --grid false. */
    List<Path> pngs(int pictures) {
        List<Path> files = new ArrayList<>();
        if (out == null) return files;
        if (grid) return List.of(out);
        String stem = stem(out);
        for (int i = 0; i < pictures; i++) files.add(out.resolveSibling(stem + "-" + i + ".png"));
        return files;
    }

    /**
     * The files these options would write, for any number of pictures: --out or the numbered
     * siblings already present, --save-tensor, the manifest.
     */
    List<Path> targets() {
        List<Path> files = new ArrayList<>();
        if (out != null && grid) files.add(out);
        if (out != null && !grid) {
            Path dir = out.toAbsolutePath().getParent();
            Pattern numbered = Pattern.compile(Pattern.quote(stem(out)) + "-\\d+\\.png");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> numbered.matcher(p.getFileName().toString()).matches()).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(dir + ": cannot list (" + e.getMessage() + ")", e);
                }
            }
        }
        if (saveTensor != null) files.add(saveTensor);
        files.add(manifest());
        return files;
    }

    /** {@code <stem of --out (else of --save-tensor)>.json}. */
    Path manifest() {
        return manifestBeside(out != null ? out : saveTensor);
    }

    /** The manifest of a run writing {@code file}: {@code out.png} → {@code out.json}, the rule of every recorded command. */
    static Path manifestBeside(Path file) {
        return file.resolveSibling(stem(file) + ".json");
    }

    /** Writes the PNG(s) and the tensor; returns every file written. */
    List<Path> writePictures(Tensor images, int columns) {
        OutputFiles f = files();
        List<Path> written = new ArrayList<>();
        int n = images.dim(0);
        List<RgbImage> rgb = new ArrayList<>();
        for (int i = 0; i < n; i++) rgb.add(OutputImages.toRgb(images, i));
        List<Path> targets = pngs(n);
        try {
            if (grid && out != null) {
                f.write(out, OutputImages.png(OutputImages.grid(rgb, columns)));
                written.add(out);
            } else {
                for (int i = 0; i < targets.size(); i++) {
                    f.write(targets.get(i), OutputImages.png(rgb.get(i)));
                    written.add(targets.get(i));
                }
            }
            written.addAll(writeTensor(images));
        } catch (RuntimeException e) {
            written.forEach(TemporaryFiles::remove); // all or nothing: the caller removes the rest of the run's files
            throw e;
        }
        return written;
    }

    /**
     * Whether a run drawn in several batches writes each batch's PNGs as soon as it is drawn: with
     * numbered files it can (a grid needs every picture), so a long run keeps what it finished.
     */
    boolean writesAsItGoes() {
        return out != null && !grid;
    }

    /** The numbered PNGs of pictures [first, first + n) of a run of {@code total} pictures; returns them. */
    List<Path> writeNumbered(Tensor images, int first, int total) {
        OutputFiles f = files();
        List<Path> targets = pngs(total).subList(first, first + images.dim(0));
        for (int i = 0; i < targets.size(); i++) f.write(targets.get(i), OutputImages.png(OutputImages.toRgb(images, i)));
        return targets;
    }

    /** --save-tensor, when asked for: the pictures as F32 {@code image}; returns the file written, if any. */
    List<Path> writeTensor(Tensor images) {
        if (saveTensor == null) return List.of();
        files().check(saveTensor);
        StateDict sd = new StateDict("pictures");
        sd.put("image", images.contiguous());
        SafetensorsWriter.write(saveTensor, sd, Map.of("format", "unclip4j pictures, NCHW RGB in [0,1]"));
        return List.of(saveTensor);
    }

    /** See {@link OutputFiles#retireManifest}. */
    void retireManifest() {
        files().retireManifest(manifest());
    }

    void writeManifest(byte[] json) {
        files().write(manifest(), json);
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
