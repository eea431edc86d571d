package unclip4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import unclip4j.checkpoint.RegularFile;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.checkpoint.TensorInfo;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * CLIP image embeddings {@code [B, D]} read from a safetensors file: what {@code prior} writes
 * ({@code image_embedding}), what {@code encode-image} writes ({@code img_feat}), or a file made by
 * any other tool. Every way the file can be unfit is one error that names the file.
 */
final class EmbeddingFile {
    /** The names looked for, in order, when none is given. */
    static final List<String> DEFAULT_NAMES = List.of("image_embedding", "img_feat");

    /** Far wider than any CLIP embedding (ViT-B/32: 512, Karlo's ViT-L/14: 768, ViT-bigG/14: 1280): a wider tensor is something else. */
    static final long MAX_WIDTH = 16_384;

    /**
     * The most values read from one file, 256 MB as F32 (87381 of Karlo's embeddings): they are held at once,
     * and a row is a picture to decode or a line of the similarity table, so more is no run anyone means.
     */
    static final long MAX_VALUES = 1L << 26;

    /** The tensor read, and its rows as a contiguous host F32 tensor {@code [B, D]}. */
    record Embeddings(String tensor, Tensor rows) {}

    private EmbeddingFile() {}

    /**
     * The embeddings, a {@code [D]} tensor being one row.
     *
     * @param name the tensor to read, or null for the first of {@link #DEFAULT_NAMES} present, else the file's only tensor
     */
    static Embeddings read(Path file, String name) {
        String problem = RegularFile.problem(file);
        if (problem != null) throw new IllegalArgumentException("--embedding " + file + ": " + problem);
        SafetensorsFile f = SafetensorsFile.open(file);
        Set<String> names = f.tensors().keys();
        String pick = name != null ? name : DEFAULT_NAMES.stream().filter(names::contains).findFirst()
                .orElse(names.size() == 1 ? names.iterator().next() : null);
        if (pick == null || !names.contains(pick)) {
            String wanted = name != null ? "no tensor '" + name + "'" : "none of " + DEFAULT_NAMES + " (choose one with --tensor)";
            throw new IllegalArgumentException(file + " has " + wanted + "; it holds " + names.stream().sorted().toList());
        }
        TensorInfo info = f.tensors().info(pick);
        long[] shape = info.shape();
        if (!info.dtype().isFloatingPoint() || shape.length < 1 || shape.length > 2 || Shape.numel(shape) == 0) {
            throw new IllegalArgumentException(file + ": " + pick + " is " + info.dtype() + Shape.toString(shape)
                    + "; CLIP image embeddings are floating point [B, D] or [D]");
        }
        long width = shape[shape.length - 1], rows = Shape.numel(shape) / width;
        if (width > MAX_WIDTH) {
            throw new IllegalArgumentException(file + ": " + pick + " is " + info.dtype() + Shape.toString(shape) + ", " + width
                    + " values wide: CLIP image embeddings are a few hundred to a few thousand wide (this reads at most " + MAX_WIDTH + ")");
        }
        if (rows > MAX_VALUES / width) {
            throw new IllegalArgumentException(file + ": " + pick + " is " + info.dtype() + Shape.toString(shape) + ", " + rows
                    + " embeddings (one per picture); at most " + MAX_VALUES / width + " of width " + width + " are read at once: split the file");
        }
        // both fit an int now; each row is read as stored (F64 values may not fit F32), then checked as a direction
        int n = (int) rows, w = (int) width;
        Tensor stored = f.get(pick).reshape(n, w);
        float[] values = new float[n * w];
        for (int r = 0; r < n; r++) {
            double[] v = stored.select(0, r).toDoubleArray();
            boolean zero = true;
            float squaredNorm = 0, largest = 0;
            for (int j = 0; j < w; j++) {
                if (!Double.isFinite(v[j]) || Math.abs(v[j]) > Float.MAX_VALUE) {
                    throw new IllegalArgumentException(file + ": " + pick + " holds " + v[j] + " at row " + r + ", column " + j
                            + (Double.isFinite(v[j]) ? " (too large for F32)" : ""));
                }
                zero &= v[j] == 0;
                float x = (float) v[j];
                values[r * w + j] = x;
                squaredNorm += x * x;
                largest = Math.max(largest, Math.abs(x));
            }
            // slerp and cosines need a norm
            if (zero) throw new IllegalArgumentException(file + ": " + pick + " row " + r + " is all zeros: an embedding needs a direction");
            // a squared norm past F32's range (a norm above 1.8e19) is no CLIP embedding's scale: in the model's
            // F32 arithmetic such values can overflow, and the run would then blame its weights or noise
            if (squaredNorm == 0) {
                throw new IllegalArgumentException(file + ": " + pick + " row " + r + " is too small to be an embedding: its squared norm "
                        + "underflows to 0 in F32 (its largest value is " + largest + ")");
            }
            if (Float.isInfinite(squaredNorm)) {
                throw new IllegalArgumentException(file + ": " + pick + " row " + r + " is too large to be an embedding: its squared norm "
                        + "overflows F32, the precision the model computes in (its largest value is " + largest + ")");
            }
        }
        return new Embeddings(pick, Tensor.of(values, n, w));
    }

    /** Fails unless the rows read from {@code file} are {@code width} wide, the embedding width of {@code model}. */
    static void requireWidth(Path file, Tensor rows, int width, String model) {
        if (rows.dim(1) != width) {
            throw new IllegalArgumentException(file + ": the embeddings have " + rows.dim(1) + " dimensions, but " + model + " takes "
                    + width + " (CLIP embeddings of another model?)");
        }
    }
}
