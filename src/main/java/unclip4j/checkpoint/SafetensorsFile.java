package unclip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * Reads a safetensors file: 8-byte little-endian header length, a UTF-8 JSON header
 * ({@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__}), then raw
 * little-endian data. The file is memory-mapped (files over 4 GiB work) and every tensor is a
 * zero-copy view of the mapping. The header is validated completely before anything is returned:
 * offsets inside the data section, sizes equal to shape × dtype, no overlaps past the end.
 */
public final class SafetensorsFile {
    /** Headers above this are refused (the format's own limit is 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final Map<String, String> metadata;
    private final StateDict tensors;

    private SafetensorsFile(Path path, Map<String, String> metadata, StateDict tensors) {
        this.path = path;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    public static SafetensorsFile open(Path path) {
        MemorySegment map = FileMapping.map(path);
        return parse(path, map);
    }

    static SafetensorsFile parse(Path path, MemorySegment map) {
        String where = path.toString();
        long size = map.byteSize();
        if (size < 8) throw new CheckpointException(where + ": not a safetensors file (shorter than 8 bytes)");
        long headerLen = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
            throw new CheckpointException(where + ": safetensors header length " + headerLen + " is invalid for a file of " + size + " bytes");
        }
        byte[] headerBytes = map.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(where + ": safetensors header is not valid UTF-8");
        }
        JsonNode header;
        try {
            header = new ObjectMapper()
                    .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(headerText);
        } catch (IOException e) {
            throw new CheckpointException(where + ": safetensors header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (header == null || !header.isObject()) throw new CheckpointException(where + ": safetensors header is not a JSON object");

        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        MemorySegment data = map.asSlice(dataStart, dataSize);
        Map<String, String> metadata = new LinkedHashMap<>();
        StateDict dict = new StateDict(where);
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw new CheckpointException(where + ": __metadata__ is not an object");
                v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().isTextual() ? m.getValue().asText() : m.getValue().toString()));
                continue;
            }
            TensorInfo info = tensorInfo(where, name, v);
            JsonNode offs = v.get("data_offsets");
            if (offs == null || !offs.isArray() || offs.size() != 2 || !offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()) {
                throw new CheckpointException(where + ": tensor '" + name + "' has no valid data_offsets");
            }
            long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new CheckpointException(where + ": tensor '" + name + "' data_offsets [" + begin + ", " + end + "] lie outside the "
                        + dataSize + "-byte data section (truncated file?)");
            }
            if (end - begin != info.byteSize()) {
                throw new CheckpointException(where + ": tensor '" + name + "' is " + info.dtype() + Shape.toString(info.shape())
                        + " = " + info.byteSize() + " bytes but its data_offsets span " + (end - begin));
            }
            MemorySegment slice = data.asSlice(begin, end - begin);
            long[] shape = info.shape();
            dict.put(info, () -> Tensor.wrap(slice, info.dtype(), shape));
        }
        return new SafetensorsFile(Path.of(where), Collections.unmodifiableMap(metadata), dict);
    }

    private static TensorInfo tensorInfo(String where, String name, JsonNode v) {
        if (!v.isObject()) throw new CheckpointException(where + ": entry '" + name + "' is not an object");
        JsonNode dt = v.get("dtype"), sh = v.get("shape");
        if (dt == null || !dt.isTextual()) throw new CheckpointException(where + ": tensor '" + name + "' has no dtype");
        DType dtype = DType.fromSafetensors(dt.asText());
        if (dtype == null) throw new CheckpointException(where + ": tensor '" + name + "' has unsupported dtype " + dt.asText());
        if (sh == null || !sh.isArray()) throw new CheckpointException(where + ": tensor '" + name + "' has no shape");
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new CheckpointException(where + ": tensor '" + name + "' has an invalid dimension " + d);
            }
            shape[i] = d.asLong();
        }
        try {
            Math.multiplyExact(Shape.numel(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + ": tensor '" + name + "' shape " + Shape.toString(shape) + " overflows");
        }
        return new TensorInfo(name, dtype, shape);
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty if none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public StateDict tensors() {
        return tensors;
    }

    /** Convenience: the tensor named, zero-copy. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    public static boolean looksLikeSafetensors(Path p) {
        if (!Files.isRegularFile(p)) return false; // a pipe would block the read; the loader then says what it is
        try (var in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(9);
            return b.length == 9 && b[8] == '{';
        } catch (IOException e) {
            return false;
        }
    }
}
