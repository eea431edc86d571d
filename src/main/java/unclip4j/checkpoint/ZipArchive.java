package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive read from its central directory over a memory-mapped file (PyTorch's
 * {@code torch.save} and TorchScript archives are zips). Stored entries are zero-copy slices of
 * the mapping; deflated ones are inflated into memory up to a bound. ZIP64 records are honoured,
 * so archives over 4 GiB work. Every offset and size is checked against the file before use.
 */
public final class ZipArchive {
    /** One file in the archive, as the central directory describes it. */
    public record Entry(String name, int method, long compressedSize, long size, long dataOffset) {
        public boolean stored() {
            return method == STORED;
        }
    }

    static final int STORED = 0, DEFLATED = 8;
    /** Deflated entries are only pickles and TorchScript code; anything bigger is refused. */
    static final long MAX_INFLATED = 256L << 20;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD_SIG = 0x06054b50, ZIP64_LOCATOR_SIG = 0x07064b50, ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50, LOCAL_SIG = 0x04034b50;

    private final String where;
    private final MemorySegment file;
    private final Map<String, Entry> entries;

    private ZipArchive(String where, MemorySegment file, Map<String, Entry> entries) {
        this.where = where;
        this.file = file;
        this.entries = entries;
    }

    /** True when the bytes start with a zip local file header ("PK\3\4"). */
    public static boolean isZip(MemorySegment file) {
        return file.byteSize() >= 4 && file.get(U32, 0) == LOCAL_SIG;
    }

    public static ZipArchive read(String where, MemorySegment file) {
        long size = file.byteSize();
        long eocd = findEndOfCentralDirectory(where, file);
        long count = u16(file, eocd + 10);
        long cdSize = u32(file, eocd + 12);
        long cdOffset = u32(file, eocd + 16);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            long locator = eocd - 20;
            if (locator < 0 || file.get(U32, locator) != ZIP64_LOCATOR_SIG) {
                throw new CheckpointException(where + ": zip needs ZIP64 records but has no ZIP64 locator");
            }
            long zip64 = file.get(U64, locator + 8);
            if (zip64 < 0 || zip64 > locator - 56 || file.get(U32, zip64) != ZIP64_EOCD_SIG) {
                throw new CheckpointException(where + ": ZIP64 end of central directory is missing or out of range");
            }
            count = file.get(U64, zip64 + 32);
            cdSize = file.get(U64, zip64 + 40);
            cdOffset = file.get(U64, zip64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
            throw new CheckpointException(where + ": zip central directory (offset " + cdOffset + ", " + cdSize
                    + " bytes) lies outside the " + size + "-byte file (truncated?)");
        }
        if (count < 0 || count > cdSize / 46) {
            throw new CheckpointException(where + ": zip declares " + count + " entries, more than its central directory can hold");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        long p = cdOffset, end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            Entry e = centralEntry(where, file, p, end);
            if (entries.putIfAbsent(e.name(), e) != null) throw new CheckpointException(where + ": zip has two entries named '" + e.name() + "'");
            p += 46 + u16(file, p + 28) + u16(file, p + 30) + u16(file, p + 32);
        }
        return new ZipArchive(where, file, Collections.unmodifiableMap(entries));
    }

    private static long findEndOfCentralDirectory(String where, MemorySegment file) {
        long size = file.byteSize();
        long stop = Math.max(0, size - 22 - 0xFFFF);
        for (long p = size - 22; p >= stop; p--) {
            if (file.get(U32, p) == EOCD_SIG && p + 22 + u16(file, p + 20) == size) return p;
        }
        throw new CheckpointException(where + ": not a readable zip (no end of central directory; truncated file?)");
    }

    private static Entry centralEntry(String where, MemorySegment file, long p, long end) {
        if (p > end - 46 || file.get(U32, p) != CENTRAL_SIG) throw new CheckpointException(where + ": corrupt zip central directory at byte " + p);
        int flags = u16(file, p + 8), method = u16(file, p + 10);
        long csize = u32(file, p + 20), usize = u32(file, p + 24);
        int nameLen = u16(file, p + 28), extraLen = u16(file, p + 30);
        long local = u32(file, p + 42);
        if (p + 46 + nameLen + extraLen > end) throw new CheckpointException(where + ": corrupt zip central directory at byte " + p);
        String name = utf8(where, file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE));
        // ZIP64 extended information: only the fields that overflowed are present, in this order
        for (long x = p + 46 + nameLen, xEnd = x + extraLen; x + 4 <= xEnd; ) {
            int id = u16(file, x), len = u16(file, x + 2);
            long v = x + 4;
            if (x + 4 + len > xEnd) break;
            if (id == 1) {
                if (usize == 0xFFFFFFFFL && v + 8 <= x + 4 + len) { usize = file.get(U64, v); v += 8; }
                if (csize == 0xFFFFFFFFL && v + 8 <= x + 4 + len) { csize = file.get(U64, v); v += 8; }
                if (local == 0xFFFFFFFFL && v + 8 <= x + 4 + len) { local = file.get(U64, v); }
            }
            x += 4 + len;
        }
        if ((flags & 1) != 0) throw new CheckpointException(where + ": zip entry '" + name + "' is encrypted");
        if (method != STORED && method != DEFLATED) throw new CheckpointException(where + ": zip entry '" + name + "' uses unsupported compression method " + method);
        long size = file.byteSize();
        if (local < 0 || local > size - 30 || file.get(U32, local) != LOCAL_SIG) {
            throw new CheckpointException(where + ": zip entry '" + name + "' has no local header at byte " + local + " (truncated file?)");
        }
        long data = local + 30 + u16(file, local + 26) + u16(file, local + 28);
        if (csize < 0 || usize < 0 || data > size || csize > size - data) {
            throw new CheckpointException(where + ": zip entry '" + name + "' (" + csize + " bytes at " + data + ") runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        if (method == STORED && csize != usize) throw new CheckpointException(where + ": stored zip entry '" + name + "' has mismatched sizes");
        return new Entry(name, method, csize, usize, data);
    }

    private static String utf8(String where, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(where + ": zip entry name is not valid UTF-8");
        }
    }

    private static int u16(MemorySegment s, long p) {
        return Short.toUnsignedInt(s.get(U16, p));
    }

    private static long u32(MemorySegment s, long p) {
        return Integer.toUnsignedLong(s.get(U32, p));
    }

    /** Entries by name, in central-directory order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Entry entry(String name) {
        return entries.get(name);
    }

    /** The entry's bytes: a zero-copy slice of the mapping when stored, else inflated (bounded). */
    public MemorySegment data(Entry e) {
        MemorySegment raw = file.asSlice(e.dataOffset(), e.compressedSize());
        if (e.stored() || e.size() == 0) return e.stored() ? raw : MemorySegment.ofArray(new byte[0]);
        if (e.size() > MAX_INFLATED) {
            throw new CheckpointException(where + ": compressed zip entry '" + e.name() + "' declares " + e.size() + " bytes (limit " + MAX_INFLATED + ")");
        }
        byte[] out = new byte[(int) e.size()];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw.asByteBuffer());
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                n += k;
            }
            if (n != out.length || !inf.finished()) {
                throw new CheckpointException(where + ": compressed zip entry '" + e.name() + "' does not inflate to its declared " + e.size() + " bytes");
            }
        } catch (DataFormatException ex) {
            throw new CheckpointException(where + ": compressed zip entry '" + e.name() + "' is corrupt (" + ex.getMessage() + ")");
        } finally {
            inf.end();
        }
        return MemorySegment.ofArray(out);
    }
}
