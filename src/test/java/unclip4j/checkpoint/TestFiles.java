package unclip4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Hand-made pickles (protocol 2 opcodes) and torch-style zips for hostile-input tests. */
final class TestFiles {
    private TestFiles() {}

    /** A pickle written opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2);
        }

        Pickle op(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle inst(String module, String name) {
            op('i');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X', b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24);
            out.writeBytes(b);
            return this;
        }

        Pickle shortStr(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op(0x8c, b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle int1(int v) {
            return op('K', v);
        }

        Pickle int4(int v) {
            return op('J', v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24);
        }

        Pickle mark() { return op('('); }
        Pickle tuple() { return op('t'); }
        Pickle tuple1() { return op(0x85); }
        Pickle emptyTuple() { return op(')'); }
        Pickle emptyDict() { return op('}'); }
        Pickle reduce() { return op('R'); }
        Pickle newobj() { return op(0x81); }
        Pickle build() { return op('b'); }
        Pickle setitem() { return op('s'); }
        Pickle setitems() { return op('u'); }
        Pickle persid() { return op('Q'); }
        Pickle newfalse() { return op(0x89); }

        /** _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict()) */
        Pickle tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            mark().str("storage").global("torch", storageType).str(key).str("cpu").int4(numel).tuple().persid();
            int4(offset);
            mark();
            for (int s : size) int4(s);
            tuple().mark();
            for (int s : stride) int4(s);
            tuple().newfalse().global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
            return this;
        }

        byte[] stop() {
            op('.');
            return out.toByteArray();
        }
    }

    /** A torch.save-style zip: archive/data.pkl, archive/data/<key>, archive/version (all stored). */
    static Path torchZip(Path file, byte[] pickle, Map<String, byte[]> storages) {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(z, "archive/data.pkl", pickle);
            for (var e : storages.entrySet()) stored(z, "archive/data/" + e.getKey(), e.getValue());
            stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }
}
