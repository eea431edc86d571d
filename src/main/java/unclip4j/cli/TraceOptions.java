package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.diffusion.NonFiniteSampleException;
import unclip4j.diffusion.StepListener;
import unclip4j.io.OutputFolder;
import unclip4j.tensor.Tensor;
import unclip4j.trace.TraceRecorder;

/** {@code --trace-dir DIR}: pictures and numbers of every reverse step, for sampling commands. */
public final class TraceOptions {
    @Option(names = "--trace-dir", paramLabel = "DIR",
            description = "Write x_t and predicted x0 of every step (PNGs, a grid and a GIF per stage), the guidance delta, "
                    + "the prior's cosine to the text embedding, the prior's and the decoder's attention per caption token "
                    + "(attention.png, attention.json), and trace.json, for the first image of the batch.")
    Path traceDir;

    private TraceRecorder recorder;
    private List<Path> written = List.of();

    /** Before any work: --trace-dir is not a file and (without --force) holds no files yet. */
    public void check(boolean force) {
        OutputDirectory.check(traceDir, force, "--trace-dir");
    }

    /** The listener to pass to the pipeline: a recorder with --trace-dir, else one that does nothing. */
    public StepListener listener(Backend backend) {
        if (traceDir == null) return StepListener.NONE;
        // Karlo's prior, decoder and SR all respace the same cosine schedule of 1000 steps
        recorder = new TraceRecorder(traceDir, backend, DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, ""));
        return recorder;
    }

    /** For runs with a prior: what its x̂0 is compared to (see {@link TraceRecorder#priorReference}). */
    public void priorReference(Tensor textEmbedding, UnaryOperator<Tensor> priorToClip) {
        if (recorder != null) recorder.priorReference(textEmbedding, priorToClip);
    }

    /** The caption a stage's first row sees, to label its attention maps ("" if never set). */
    public void caption(String stage, String caption) {
        if (recorder != null) recorder.caption(stage, caption);
    }

    /**
     * Runs the sampling; when a stage diverges to NaN the trace recorded so far is written before the
     * error goes on, since the steps that led there are what --trace-dir is for.
     */
    public <T> T keepingTraceOnDivergence(Supplier<T> sampling, PrintWriter out) {
        try {
            return sampling.get();
        } catch (NonFiniteSampleException e) {
            finish(out);
            throw e;
        }
    }

    /** Writes the trace recorded so far (nothing without --trace-dir). */
    public void write() {
        if (recorder != null) written = recorder.finish();
    }

    /**
     * As {@link #write()}, but the trace stays only if made is committed: a run that fails after it (its
     * manifest cannot be written) leaves no trace either.
     */
    void write(PendingOutputs made) {
        if (recorder == null) return;
        OutputFolder folder = new OutputFolder(traceDir);
        made.add(folder);
        written = recorder.finish(folder);
    }

    /** Says where the trace went. */
    public void report(PrintWriter out) {
        if (recorder == null) return;
        out.println("wrote trace: " + written.size() + " files in " + traceDir);
        for (String note : recorder.notes()) out.println("note: " + note);
    }

    /** Writes the trace and says where. */
    public void finish(PrintWriter out) {
        write();
        report(out);
    }
}
