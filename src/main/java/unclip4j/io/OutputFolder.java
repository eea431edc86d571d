package unclip4j.io;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder of outputs written file by file (a trace, schedule charts), each file whole (AtomicFile):
 * should a write fail (a full disk) or the JVM be stopped before {@link #keep()}, what was written
 * goes again: the folder itself where this write made it, else the files written into it.
 */
public final class OutputFolder implements AutoCloseable {
    /** The outermost folder this write makes (the folder, or an ancestor), or null where the folder exists. */
    private final Path created;
    private final List<Path> files = new ArrayList<>(); // in the order written
    private boolean kept;

    public OutputFolder(Path dir) {
        Path outermost = null;
        // a link is never made here (a dangling one is the user's, not a folder to remove)
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) outermost = p;
        created = outermost == null ? null : TemporaryFiles.register(outermost);
    }

    /** Records a file as soon as it is written into the folder (so that a stop right after removes it); returns it. */
    public Path add(Path file) {
        files.add(created == null ? TemporaryFiles.register(file) : file);
        return file;
    }

    /** The files recorded, in the order written. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Every file is written: they stay. */
    public void keep() {
        kept = true;
    }

    @Override
    public void close() {
        for (Path p : created != null ? List.of(created) : files) {
            if (kept) TemporaryFiles.release(p);
            else TemporaryFiles.remove(p);
        }
    }
}
