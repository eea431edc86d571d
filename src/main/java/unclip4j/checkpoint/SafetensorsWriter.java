package unclip4j.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;
import unclip4j.io.TemporaryFiles;

/**
 * Writes a safetensors file that {@link SafetensorsFile} (and the reference Rust/Python readers)
 * accept: header JSON padded with spaces to a multiple of 8 bytes, tensors packed back to back.
 * Output is a function of the input only (no timestamps): tensors are ordered by element size
 * (largest first, so every tensor stays aligned to its element size) then by name, and metadata
 * by key. The file appears atomically: written to a temporary sibling, then moved into place, so
 * readers and a failed write never see a partial file. The temporary name is unique, so two writers
 * never share one and an unrelated {@code <name>.tmp} is never overwritten.
 */
public final class SafetensorsWriter {
    private static final long CHUNK = 1L << 30;

    private SafetensorsWriter() {}

    public static void write(Path file, StateDict tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, info -> info.dtype());
    }

    /** dtypeOf chooses each tensor's stored dtype (e.g. floats to F16); values are converted on the way out. */
    public static void write(Path file, StateDict tensors, Map<String, String> metadata, Function<TensorInfo, DType> dtypeOf) {
        List<TensorInfo> order = new ArrayList<>();
        for (String k : tensors.keys()) {
            TensorInfo i = tensors.info(k);
            order.add(new TensorInfo(k, dtypeOf.apply(i), i.shape()));
        }
        order.sort(Comparator.comparingInt((TensorInfo i) -> -i.dtype().byteSize()).thenComparing(TensorInfo::name));

        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", new TreeMap<>(metadata));
        long offset = 0;
        for (TensorInfo i : order) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", i.dtype().safetensorsName());
            entry.put("shape", i.shape());
            entry.put("data_offsets", new long[] {offset, offset + i.byteSize()});
            header.put(i.name(), entry);
            offset += i.byteSize();
        }
        byte[] json;
        try {
            json = new ObjectMapper().writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": cannot encode safetensors header (" + e.getMessage() + ")", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) prefix.put((byte) ' ');
        prefix.flip();

        Path tmp = TemporaryFiles.register(file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, prefix);
                for (TensorInfo i : order) {
                    Tensor t = tensors.get(i.name());
                    MemorySegment bytes = (t.dtype() == i.dtype() ? t.contiguous() : t.to(i.dtype())).segment();
                    for (long p = 0; p < bytes.byteSize(); p += CHUNK) {
                        writeFully(ch, bytes.asSlice(p, Math.min(CHUNK, bytes.byteSize() - p)).asByteBuffer());
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            TemporaryFiles.remove(tmp); // gone already after the move; on any failure (out of memory converting a tensor, say) no partial file stays
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
