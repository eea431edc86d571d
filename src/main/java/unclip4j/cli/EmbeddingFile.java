package unclip4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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

    /** The tensor read, and its rows as a contiguous host F32 tensor {@code [B, D]}. */
    record Embeddings(String tensor, Tensor rows) {}

    private EmbeddingFile() {}

    /**
     * The embeddings, a {@code [D]} tensor being one row.
     *
     * @param name the tensor to read, or null for the first of {@link #DEFAULT_NAMES} present, else the file's only tensor
     */
    static Embeddings read(Path file, String name) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException("--embedding " + file + ": is a directory, not a safetensors file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--embedding " + file + ": no such file");
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
        int width = (int) shape[shape.length - 1];
        // checked as stored (F64 values may not fit F32), then as directions: slerp and cosines need a norm
        double[] v = f.get(pick).toDoubleArray();
        float[] rows = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i]) || Math.abs(v[i]) > Float.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": " + pick + " holds " + v[i] + " at row " + i / width + ", column " + i % width
                        + (Double.isFinite(v[i]) ? " (too large for F32)" : ""));
            }
            rows[i] = (float) v[i];
        }
        for (int r = 0; r < v.length / width; r++) {
            boolean zero = true;
            for (int j = 0; j < width && zero; j++) zero = v[r * width + j] == 0;
            if (zero) throw new IllegalArgumentException(file + ": " + pick + " row " + r + " is all zeros: an embedding needs a direction");
        }
        return new Embeddings(pick, Tensor.of(rows, v.length / width, width));
    }

    /** Fails unless the rows read from {@code file} are {@code width} wide, the embedding width of {@code model}. */
    static void requireWidth(Path file, Tensor rows, int width, String model) {
        if (rows.dim(1) != width) {
            throw new IllegalArgumentException(file + ": the embeddings have " + rows.dim(1) + " dimensions, but " + model + " takes "
                    + width + " (CLIP embeddings of another model?)");
        }
    }
}
