package unclip4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder of outputs written file by file (a trace, schedule charts), each file whole (AtomicFile):
 * should a write fail (a full disk) or the JVM be stopped before {@link #keep()}, what was written
 * goes again: the folder itself where this write made it, else the files and subfolders written into it.
 */
public final class OutputFolder implements AutoCloseable {
    /** The outermost folder this write makes (the folder, or an ancestor), or null where the folder exists. */
    private final Path created;
    private final Path dir;
    private final List<Path> files = new ArrayList<>(); // in the order written
    private final List<Path> subfolders = new ArrayList<>(); // made by this write inside a folder that was there
    private boolean kept;

    public OutputFolder(Path dir) {
        this.dir = dir;
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

    /** dir/name, made now where it is absent; one this write made goes with the files if they go. */
    public Path subfolder(String name) {
        Path sub = dir.resolve(name);
        if (created == null && !Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) subfolders.add(TemporaryFiles.register(sub));
        try {
            Files.createDirectories(sub);
        } catch (FileAlreadyExistsException e) { // a file where a folder of the path belongs
            throw new UncheckedIOException("cannot create " + sub + ": " + NotADirectory.why(Path.of(e.getFile())), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + sub + " (" + e.getMessage() + ")", e);
        }
        return sub;
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
        List<Path> made = new ArrayList<>(files);
        made.addAll(subfolders); // after the files they held
        for (Path p : created != null ? List.of(created) : made) {
            if (kept) TemporaryFiles.release(p);
            else TemporaryFiles.remove(p);
        }
    }
}
