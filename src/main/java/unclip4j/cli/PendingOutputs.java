package unclip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import unclip4j.io.OutputFolder;
import unclip4j.io.TemporaryFiles;

/**
 * The files a run has written but not yet committed by writing its manifest (the last file): should
 * the run fail before that, they are removed on close, and should the JVM be stopped (Ctrl-C), by
 * {@link TemporaryFiles}' shutdown hook, so that no picture stands without its manifest.
 */
final class PendingOutputs implements AutoCloseable {
    private final List<Path> files = new ArrayList<>();
    private final List<OutputFolder> folders = new ArrayList<>();
    private boolean committed;

    void add(Collection<Path> written) {
        for (Path f : written) {
            TemporaryFiles.register(f);
            files.add(f);
        }
    }

    /** A folder of outputs (the trace): it stays or goes with the files. */
    void add(OutputFolder folder) {
        folders.add(folder);
    }

    List<Path> files() {
        return List.copyOf(files);
    }

    /** The manifest is written: the files stay. */
    void commit() {
        committed = true;
    }

    @Override
    public void close() {
        files.forEach(committed ? TemporaryFiles::release : TemporaryFiles::remove);
        for (OutputFolder f : folders) {
            if (committed) f.keep();
            f.close();
        }
    }
}
