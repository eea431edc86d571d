package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import unclip4j.tensor.DType;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

/**
 * PyTorch's zip serialisation (torch ≥ 1.6 {@code torch.save}, and TorchScript archives): one
 * top-level folder holding {@code data.pkl} (pickle protocol 2), {@code data/<key>} (raw
 * little-endian storages, stored uncompressed) and {@code version}. The pickle is read with
 * {@link Unpickler} and an allow-list of PyTorch's rebuild functions; tensors come out as
 * {@link TorchTensor} views that read their storage only when loaded (zero copy from the mapping).
 */
public final class TorchZip {
    /** A storage record: {@code data/<key>} holding numel elements of dtype. */
    public record TorchStorage(String key, DType dtype, long numel, MemorySegment bytes) {}

    /** A strided view into a storage, as {@code torch._utils._rebuild_tensor_v2} describes it. */
    public record TorchTensor(TorchStorage storage, long offset, long[] shape, long[] stride) {
        public TensorInfo info(String name) {
            return new TensorInfo(name, storage.dtype(), shape);
        }

        /** The tensor over the storage's bytes, sharing them (no copy). */
        public Tensor load() {
            return new Tensor(new HostStorage(storage.bytes()), storage.dtype(), offset, shape, stride);
        }
    }

    /** The first bytes of a legacy (pre-1.6, non-zip) torch file: the pickled magic number 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private final String where;
    private final ZipArchive zip;
    private final String root;
    private final Object data;

    private TorchZip(String where, ZipArchive zip, String root, Object data) {
        this.where = where;
        this.zip = zip;
        this.root = root;
        this.data = data;
    }

    public static TorchZip open(Path path) {
        return read(path.toString(), FileMapping.map(path));
    }

    static TorchZip read(String where, MemorySegment file) {
        if (!ZipArchive.isZip(file)) {
            if (startsWith(file, LEGACY_MAGIC)) {
                throw new CheckpointException(where + ": legacy (pre-1.6, non-zip) PyTorch file; re-save it with torch.save(obj, path) "
                        + "from PyTorch >= 1.6 to get the zip format");
            }
            throw new CheckpointException(where + ": not a PyTorch zip checkpoint (no zip header)");
        }
        ZipArchive zip = ZipArchive.read(where, file);
        List<String> pickles = new ArrayList<>();
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash).equals("/data.pkl")) pickles.add(name);
        }
        if (pickles.size() != 1) {
            throw new CheckpointException(where + ": expected exactly one <folder>/data.pkl in the zip, found " + (pickles.isEmpty() ? "none" : pickles));
        }
        String root = pickles.getFirst().substring(0, pickles.getFirst().length() - "data.pkl".length());
        MemorySegment pickle = zip.data(zip.entry(pickles.getFirst()));
        Object data = Unpickler.load(where, pickle, new TorchGlobals(where, zip, root));
        return new TorchZip(where, zip, root, data);
    }

    private static boolean startsWith(MemorySegment s, byte[] prefix) {
        if (s.byteSize() < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (s.get(ValueLayout.JAVA_BYTE, i) != prefix[i]) return false;
        return true;
    }

    public String where() {
        return where;
    }

    public ZipArchive zip() {
        return zip;
    }

    /** The top-level folder, with its trailing slash ("prior-tiny/", "archive/"). */
    public String root() {
        return root;
    }

    /** The unpickled {@code data.pkl}. */
    public Object data() {
        return data;
    }

    /** PyTorch tells a TorchScript archive by its {@code constants.pkl}. */
    public boolean isTorchScript() {
        return zip.entry(root + "constants.pkl") != null;
    }

    /** The allow-list: PyTorch's rebuild functions and storage types; every other name is inert. */
    private record TorchGlobals(String where, ZipArchive zip, String root) implements Unpickler.Policy {
        @Override
        public Object global(String module, String name) {
            return switch (module + "." + name) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> (Unpickler.Callable) this::rebuildTensor;
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> (Unpickler.Callable) this::first;
                case "collections.OrderedDict" -> (Unpickler.Callable) args -> new LinkedHashMap<>();
                // TorchScript tags typed lists; the list itself is the value
                case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
                     "torch.jit._pickle.build_tensorlist", "torch.jit._pickle.build_list", "torch.jit._pickle.restore_type_tag" ->
                        (Unpickler.Callable) this::first;
                default -> new Unpickler.Global(module, name);
            };
        }

        private Object first(Unpickler.Tuple args) {
            if (args.size() == 0) throw new CheckpointException(where + ": rebuild call has no arguments");
            return args.get(0);
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof Unpickler.Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw new CheckpointException(where + ": unsupported persistent id (expected ('storage', type, key, location, numel))");
            }
            if (!(t.get(1) instanceof Unpickler.Global type) || !(t.get(2) instanceof String key) || !(t.get(4) instanceof Long numel)) {
                throw new CheckpointException(where + ": malformed storage reference");
            }
            DType dtype = storageDType(type);
            ZipArchive.Entry entry = zip.entry(root + "data/" + key);
            if (entry == null) throw new CheckpointException(where + ": storage '" + key + "' has no record " + root + "data/" + key);
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
            } catch (ArithmeticException e) {
                bytes = -1;
            }
            if (numel < 0 || bytes < 0 || bytes > entry.size()) {
                throw new CheckpointException(where + ": storage '" + key + "' declares " + numel + " " + dtype + " elements but its record holds "
                        + entry.size() + " bytes");
            }
            return new TorchStorage(key, dtype, numel, zip.data(entry).asSlice(0, bytes));
        }

        private DType storageDType(Unpickler.Global type) {
            DType d = type.module().equals("torch") ? switch (type.name()) {
                case "FloatStorage" -> DType.F32;
                case "HalfStorage" -> DType.F16;
                case "BFloat16Storage" -> DType.BF16;
                case "DoubleStorage" -> DType.F64;
                case "IntStorage" -> DType.I32;
                case "LongStorage" -> DType.I64;
                case "ByteStorage" -> DType.U8;
                case "BoolStorage" -> DType.BOOL;
                default -> null;
            } : null;
            if (d == null) throw new CheckpointException(where + ": unsupported storage type " + type);
            return d;
        }

        /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
        private Object rebuildTensor(Unpickler.Tuple args) {
            if (args.size() < 4 || !(args.get(0) instanceof TorchStorage storage) || !(args.get(1) instanceof Long offset)) {
                throw new CheckpointException(where + ": malformed _rebuild_tensor_v2 call");
            }
            long[] shape = longs(args.get(2)), stride = longs(args.get(3));
            if (shape.length != stride.length || shape.length > 64) {
                throw new CheckpointException(where + ": tensor in storage '" + storage.key() + "' has size " + Shape.toString(shape)
                        + " and stride " + Shape.toString(stride) + " of different ranks");
            }
            checkBounds(storage, offset, shape, stride);
            return new TorchTensor(storage, offset, shape, stride);
        }

        private void checkBounds(TorchStorage storage, long offset, long[] shape, long[] stride) {
            String what = "tensor " + storage.dtype() + Shape.toString(shape) + " (offset " + offset + ", stride " + Shape.toString(stride)
                    + ") in storage '" + storage.key() + "' of " + storage.numel() + " elements";
            try {
                long numel = Shape.numel(shape);
                if (offset < 0) throw new CheckpointException(where + ": " + what + " has a negative offset");
                if (numel == 0) return;
                long last = offset;
                for (int i = 0; i < shape.length; i++) {
                    if (stride[i] < 0) throw new CheckpointException(where + ": " + what + " has a negative stride");
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
                if (last >= storage.numel()) throw new CheckpointException(where + ": " + what + " reaches past the end of its storage");
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new CheckpointException(where + ": " + what + " has invalid or overflowing dimensions");
            }
        }

        private long[] longs(Object o) {
            if (!(o instanceof Unpickler.Tuple t)) throw new CheckpointException(where + ": tensor size/stride is not a tuple");
            long[] out = new long[t.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(t.get(i) instanceof Long v)) throw new CheckpointException(where + ": tensor size/stride holds a non-integer");
                out[i] = v;
            }
            return out;
        }
    }
}
