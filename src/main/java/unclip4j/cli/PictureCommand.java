package unclip4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.config.ClipConfig;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.StepListener;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

/**
 * What generate, vary, interpolate, textdiff and decode share: model, device, noise, sampling and output
 * options, and the order of a run: check every input and output first, then load and sample, then
 * write the pictures, the recorded noise and the manifest.
 */
abstract class PictureCommand implements Callable<Integer>, RecordedCommand {

    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    NoiseOptions noise;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    OutputOptions output;

    @Mixin
    TraceOptions trace;

    @Mixin
    ProfileOptions profile;

    /** What the pipelines report their steps to: the progress display and, with --trace-dir, the trace. */
    StepListener steps;

    @Mixin
    WeightPrecisionOption dtype;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    /**
     * The pictures {@code [N, 3, H, W]} in [0, 1] (host), how many go in a grid row, and facts for the
     * manifest. Images are null when {@link #drawInBatches} wrote them batch by batch and nothing else needs them.
     */
    record Pictures(Tensor images, int columns, Map<String, Object> facts) {}

    /** The PNGs {@link #drawInBatches} wrote while the run went on. */
    private final List<Path> writtenInBatches = new ArrayList<>();

    /** Checks the command's own inputs (before any output check or model load). */
    abstract void validate();

    /** How many pictures the run makes. */
    abstract int pictureCount();

    @Override
    public abstract List<Part> parts();

    @Override
    public void checkOptions() {
        backend.check();
        sampling.settings(parts().contains(Part.PRIOR));
    }

    @Override
    public ModelOptions modelOptions() {
        return model;
    }

    abstract Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource noise, Progress progress);

    /**
     * How many pictures draw noise of their own in a stage, picture i from seed + i (see
     * {@link unclip4j.diffusion.SeededNoise}); commands whose frames share one noise say 1 for the decoder and SR.
     */
    int seededPictures(String stage) {
        return pictureCount();
    }

    /** Files the command writes besides the pictures, checked with them before any work. */
    List<Path> extraOutputs() {
        return List.of();
    }

    @Override
    public List<Path> existingOutputs() {
        List<Path> files = new ArrayList<>(output.targets());
        files.addAll(extraOutputs());
        if (noise.saveNoisePath() != null) files.add(noise.saveNoisePath());
        return files.stream().filter(Files::exists).toList();
    }

    /** Writes the {@link #extraOutputs()} after the pictures; returns the files written. */
    List<Path> writeExtras() {
        return List.of();
    }

    @Override
    public final Integer call() {
        RunArguments arguments = RunArguments.of(spec); // hashed before validate() reads the input files
        validate();
        checkOptions();
        SamplingSettings s = sampling.settings(parts().contains(Part.PRIOR));
        List<Path> extras = new ArrayList<>(extraOutputs());
        extras.add(noise.saveNoisePath());
        output.check(pictureCount(), extras.toArray(Path[]::new));
        trace.check(output.force);
        PrintWriter out = spec.commandLine().getOut();
        ModelDirectory dir = model.openOrEmbedded(out);
        Map<String, Object> modelFiles = RunManifest.modelEntry(dir, model.usesEmbedded(), parts());
        Backend b = profile.wrap(backend.open());
        NoiseSource source = noise.open(b, this::seededPictures);
        Progress progress = new Progress(out);
        steps = progress.andThen(trace.listener(b));
        output.retireManifest();
        long start = System.nanoTime();
        Pictures p = trace.keepingTraceOnDivergence(() -> draw(new StageLoader(dir, b, dtype.storage()), b, s, source, progress), out);
        double total = (System.nanoTime() - start) / 1e9;

        List<Path> written = new ArrayList<>(writtenInBatches);
        // the files written now go again if a later one cannot be written or the run is stopped; numbered
        // pictures written batch by batch stay, as they do when a later batch fails
        try (PendingOutputs made = new PendingOutputs()) {
            made.add(writtenInBatches.isEmpty() ? output.writePictures(p.images(), p.columns()) : output.writeTensor(p.images()));
            made.add(writeExtras());
            noise.saveIfRequested();
            if (noise.saveNoisePath() != null) made.add(List.of(noise.saveNoisePath()));
            trace.write(made); // before the manifest, which is written last: its presence means the run finished
            written.addAll(made.files());
            output.writeManifest(manifest(arguments, p, s, modelFiles, b, progress, total, written).toJson());
            made.commit();
        }
        written.add(output.manifest());
        for (Path f : written) out.println("wrote " + f);
        trace.report(out);
        profile.report(out);
        return 0;
    }

    /** The run's manifest: what drew the pictures (arguments, model, noise, settings, platform), how long it took, what it wrote. */
    private RunManifest manifest(RunArguments arguments, Pictures p, SamplingSettings s, Map<String, Object> modelFiles, Backend b,
                                 Progress progress, double total, List<Path> written) {
        RunManifest m = new RunManifest(spec.name()).arguments(arguments);
        p.facts().forEach(m::put);
        m.put("noise", noise.manifest(seededPictures("decoder")));
        // the prior's settings only where the prior ran: a manifest lists what made the picture
        Map<String, Object> stepCounts = new LinkedHashMap<>(), guidance = new LinkedHashMap<>();
        if (parts().contains(Part.PRIOR)) {
            stepCounts.put("prior", s.priorRespacing());
            guidance.put("prior", s.priorGuidance());
        }
        stepCounts.put("decoder", s.decoderRespacing());
        stepCounts.put("sr", s.srRespacing());
        guidance.put("decoder", s.decoderGuidance());
        m.put("steps", stepCounts);
        if (s.takesDdimSteps(parts().contains(Part.PRIOR))) m.put("ddim_eta", s.ddimEta());
        m.put("guidance", guidance);
        m.put("model", modelFiles);
        m.computedOn(b, backend, dtype);
        Map<String, Object> timings = new LinkedHashMap<>(progress.seconds());
        timings.put("total", total);
        m.put("seconds", timings);
        m.outputs(written);
        return m;
    }

    /** Draws pictures [first, first + count) of the run with the given noise, reporting steps to listener; returns them on the host. */
    @FunctionalInterface
    interface BatchDraw {
        Tensor draw(int first, int count, NoiseSource noise, StepListener listener);
    }

    /**
     * Draws the run's pictures in the batches {@code --max-batch} asks for, each batch with the seeded
     * noise of its own pictures; with one batch, with the run's noise source. Only the first batch
     * reports to the trace, which follows the first picture. With numbered PNGs, a split run writes
     * each batch's pictures as soon as they are drawn and keeps them only for --save-tensor.
     *
     * @return all pictures, or null when they are written already and nothing else needs them
     */
    Tensor drawInBatches(MaxBatchOption max, int pictures, Backend backend, NoiseSource whole, Progress progress, BatchDraw draw) {
        int batches = max.batches(pictures);
        if (batches == 1) return draw.draw(0, pictures, whole, steps);
        boolean writeNow = output.writesAsItGoes(), keep = !writeNow || output.saveTensor != null;
        int size = Math.ceilDiv(pictures, batches);
        List<Tensor> kept = new ArrayList<>();
        for (int first = 0; first < pictures; first += size) {
            int count = Math.min(size, pictures - first);
            spec.commandLine().getOut().printf("pictures %d-%d of %d%n", first + 1, first + count, pictures);
            Tensor images = draw.draw(first, count, noise.openPart(backend, first, count), first == 0 ? steps : progress);
            if (writeNow) writtenInBatches.addAll(output.writeNumbered(images, first, pictures));
            if (keep) kept.add(images);
        }
        return keep ? concatRows(kept) : null;
    }

    /** The CLIP context length and image resolution come from the model's CLIP config. */
    static ClipConfig clipConfig(StageLoader stages) {
        return stages.source().clip().config();
    }

    /** Host F32 tensors {@code [n_i, ...]} with the same trailing shape, one after the other: {@code [Σ n_i, ...]}. */
    static Tensor concatRows(List<Tensor> parts) {
        if (parts.size() == 1 && parts.getFirst().dtype() == DType.F32) return parts.getFirst(); // one batch: no copy
        long[] shape = parts.getFirst().shape().clone();
        shape[0] = parts.stream().mapToLong(t -> t.dim(0)).sum();
        Tensor all = Tensor.zeros(DType.F32, shape);
        long at = 0;
        for (Tensor t : parts) {
            if (t.dtype() != DType.F32) throw new IllegalStateException("concatRows takes F32 tensors, got " + t.dtype());
            MemorySegment.copy(t.contiguous().segment(), 0, all.segment(), at, t.byteSize());
            at += t.byteSize();
        }
        return all;
    }
}
