package unclip4j.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * A file that declares gigabytes but stores only its head: what a hostile or truncated checkpoint
 * looks like to a loader, made without writing gigabytes. Where the file system keeps no holes,
 * the test is skipped, saying why, instead of filling the disk.
 */
public final class SparseFile {
    /** File systems known to store a file's unwritten ranges as holes. */
    private static final Set<String> HOLES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay", "f2fs", "apfs");

    private SparseFile() {}

    /** Writes head at the start of file and extends it to length bytes, the rest a hole that reads as zeros. */
    public static Path write(Path file, byte[] head, long length) throws IOException {
        String type = Files.getFileStore(file.getParent()).type();
        Assumptions.assumeTrue(HOLES.contains(type), () -> file.getParent() + " is on a " + type + " file system, not known to keep sparse files");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(head);
            f.setLength(length);
        }
        return file;
    }
}
