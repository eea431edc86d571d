package unclip4j.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.DeviceAllocator;
import unclip4j.checkpoint.KarloKeys;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.RandomModel;
import unclip4j.cli.BackendOptions;
import unclip4j.cli.ModelOptions;
import unclip4j.cli.Precision;
import unclip4j.diffusion.GaussianDiffusion;
import unclip4j.model.clip.ClipTokenizer;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.ImprovedSupRes64to256;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.StageFlops;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.DType;
import unclip4j.tensor.HostBlockPool;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * {@code unclip4j bench pipeline}: builds each stage at full size with random weights (no files),
 * runs its network evaluations on the real guided batch (2B rows for text, prior and decoder, B for
 * SR), and reports time, FLOP/s against the stage's FLOP count from its config, and peak memory.
 * Stages are built, run and dropped one at a time, so the process holds one stage's weights at once.
 * Only the timed evaluations count; building and the warm-up evaluations are reported apart.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Time every stage of text-to-image at full size with random weights.",
                "Last line: pipeline <device> <dtype> total <s> s <TFLOP/s> TFLOP/s (timed evaluations only).",
                "Karlo at full size needs more off-heap memory than the JVM allows by default:",
                "UNCLIP4J_JAVA_OPTS=-XX:MaxDirectMemorySize=12g ./unclip4j bench pipeline --random-weights"})
public final class PipelineBenchCommand implements Callable<Integer> {
    private static final double GIB = 1L << 30;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Activations and not yet collected outputs on top of a stage's weights (SR at 256 px: ≈ 1 GiB live). */
    private static final long ACTIVATION_HEADROOM = 2L << 30;
    private static final float PRIOR_GUIDANCE = 4f;
    private static final float DECODER_GUIDANCE = 8f;
    private static final String PROMPT = "a photo of a baby puppy waiting for her mom";

    enum Stage { TEXT, PRIOR, DECODER, SR }

    /** One stage's measurement: FLOPs are per network evaluation of the whole batch. */
    record Result(Stage stage, int rows, int evaluations, double buildSeconds, double warmupSeconds, double seconds,
                  double cpuSeconds, double flopPerEvaluation, long peakRss, long peakHeap, DeviceAllocator.Stats device,
                  DeviceCache deviceCache, HostPool hostPool) {
        double flopPerSecond() {
            return flopPerEvaluation * evaluations / seconds;
        }

        /** The fraction of all cores' time this process got while timed: below 1 when other work shares the machine. */
        double coreShare() {
            return cpuSeconds / (seconds * CORES);
        }
    }

    /** The host block pool over the timed evaluations: bytes cached at the end, blocks asked for and reused. */
    /** The device allocator during the timed evaluations: blocks asked for, served from its cache, and cached blocks freed. */
    record DeviceCache(long blocksTaken, long blocksReused, long blocksFreed) {
        static DeviceCache between(DeviceAllocator.Stats before, DeviceAllocator.Stats after) {
            return new DeviceCache(after.allocations() - before.allocations(), after.cacheHits() - before.cacheHits(),
                    after.blocksFreed() - before.blocksFreed());
        }
    }

    record HostPool(long cachedBytes, long blocksTaken, long blocksReused) {
        static HostPool between(HostBlockPool.Stats before, HostBlockPool.Stats after) {
            return new HostPool(after.cachedBytes(), after.blocksTaken() - before.blocksTaken(), after.blocksReused() - before.blocksReused());
        }
    }

    /** A built stage: one network evaluation (step i of n), its batch rows, FLOPs per evaluation. */
    private record Built(Evaluation evaluation, int rows, double flopPerEvaluation) {}

    @FunctionalInterface
    private interface Evaluation {
        void run(int step, int steps);
    }

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--config", description = "karlo (Karlo v1.0 alpha, full size) or tiny (the embedded test model's configs). Default: ${DEFAULT-VALUE}.",
            defaultValue = "karlo")
    String config;

    @Option(names = "--random-weights", description = "Random weights made from the configs (required: this benchmark reads no checkpoints).")
    boolean randomWeights;

    @Option(names = "--quality", description = "Step counts when --steps is not given: default (prior 25, decoder 50, SR 7) or fast (decoder 25). Default: ${DEFAULT-VALUE}.",
            defaultValue = "default")
    String quality;

    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", defaultValue = "f32",
            description = "Precision the weights are kept in, as in the picture commands: f32, or f16/bf16 for half the memory. "
                    + "The arithmetic is f32 with f32 accumulation, except in the kernels chosen with --kernel that read "
                    + "16-bit operands (gemm=library_f16, library_bf16; conv2d=library_f16) or round to TF32 (library_tf32). Default: ${DEFAULT-VALUE}.")
    Precision dtype;

    @Option(names = "--stages", split = ",", description = "Stages to run, in order (default: text,prior,decoder,sr).",
            defaultValue = "text,prior,decoder,sr")
    List<String> stages;

    @Option(names = "--steps", description = "Timed network evaluations per diffusion stage (default: the quality's step counts; text runs once).")
    Integer steps;

    @Option(names = "--warmup", description = "Untimed evaluations per stage before the timed ones (JIT, first-touch). Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int warmup;

    static final int MAX_BATCH = 1024;

    @Option(names = "--batch", description = "Images per generation, B (at most " + MAX_BATCH + "). Default: ${DEFAULT-VALUE}.", defaultValue = "1")
    int batch;

    @Option(names = "--profile", description = "Also print each stage's time per backend op family (timed evaluations only).")
    boolean profile;

    @Option(names = "--seed", description = "Seed of the random weights and inputs. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
    long seed;

    @Option(names = "--no-scopes", description = "Leave every intermediate to the garbage collector instead of freeing it "
            + "when its layer or evaluation returns (TensorScopes, as the samplers use), for comparison.")
    boolean noScopes;

    @Override
    public Integer call() {
        List<Stage> order = parseStages();
        if (!randomWeights) throw new ParameterException(spec.commandLine(), "bench pipeline needs --random-weights (it does not time checkpoints)");
        DType storage = dtype.storage();
        if (!quality.equals("default") && !quality.equals("fast")) throw new ParameterException(spec.commandLine(), "--quality is fast or default, got '" + quality + "'");
        if (batch < 1 || warmup < 0 || (steps != null && steps < 1)) throw new ParameterException(spec.commandLine(), "--batch and --steps must be ≥ 1, --warmup ≥ 0");
        // activations grow with B and are not in requireDirectMemory's estimate: far above any batch a GPU holds at full size
        if (batch > MAX_BATCH) throw new ParameterException(spec.commandLine(), "--batch is at most " + MAX_BATCH + ", got " + batch);
        RandomModel model = switch (config) {
            case "karlo" -> RandomModel.karloV1Alpha(seed);
            case "tiny" -> tinyModel(seed);
            default -> throw new ParameterException(spec.commandLine(), "--config is karlo or tiny, got '" + config + "'");
        };
        OpProfile ops = new OpProfile();
        requireDirectMemory(model, order);
        Backend raw = backendOptions.open();
        Backend backend = profile ? ops.wrap(raw) : raw;
        CudaBackend gpu = raw instanceof CudaBackend c ? c : null;
        StageLoader loader = new StageLoader(model, backend, storage);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "bench pipeline: config %s, random weights (seed %d), device %s, %s weights, f32 arithmetic, batch %d, warm-up %d, %d cores, load average %s%n",
                config, seed, raw.name(), dtype, batch, warmup,
                CORES, loadAverage());
        if (gpu != null) out.println("kernels: " + gpu.kernels().describe());
        PeakMemory memory = new PeakMemory();
        List<Result> results = new ArrayList<>();
        for (Stage stage : order) {
            Result r = run(stage, loader, backend, gpu, model, memory, ops);
            results.add(r);
            out.println(describe(r, memory.rssIsPerInterval()));
            if (profile) ops.print(out);
            System.gc(); // the stage is unreachable now: free its off-heap weights before the next one
            if (gpu != null) {
                gpu.synchronize();
                gpu.context().allocator().trim();
            }
        }
        double seconds = results.stream().mapToDouble(Result::seconds).sum();
        double flop = results.stream().mapToDouble(r -> r.flopPerEvaluation() * r.evaluations()).sum();
        out.printf(Locale.ROOT, "pipeline %s %s total %.2f s %.4f TFLOP/s%n", backendOptions.device(),
                dtype, seconds, flop / seconds / 1e12);
        return 0;
    }

    /** A GPU runs asynchronously: each clock reading waits for the queued work first. */
    private Result run(Stage stage, StageLoader loader, Backend backend, CudaBackend gpu, RandomModel model, PeakMemory memory, OpProfile ops) {
        memory.reset();
        if (gpu != null) gpu.context().allocator().resetPeaks();
        long t0 = System.nanoTime();
        Built built = build(stage, loader, backend, model);
        if (gpu != null) gpu.synchronize();
        long t1 = System.nanoTime();
        int n = evaluations(stage);
        for (int i = 0; i < warmup; i++) evaluate(built, 0, n);
        if (gpu != null) gpu.synchronize();
        ops.reset();
        HostBlockPool.Stats pool0 = HostBlockPool.shared().stats();
        DeviceAllocator.Stats device0 = gpu == null ? null : gpu.context().allocator().stats();
        long c2 = processCpuNanos(), t2 = System.nanoTime();
        for (int i = 0; i < n; i++) evaluate(built, i, n);
        if (gpu != null) gpu.synchronize();
        long t3 = System.nanoTime(), c3 = processCpuNanos();
        DeviceAllocator.Stats device1 = gpu == null ? null : gpu.context().allocator().stats();
        return new Result(stage, built.rows(), n, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9, (c3 - c2) * 1e-9,
                built.flopPerEvaluation(), memory.rssBytes(), memory.heapBytes(), device1,
                device1 == null ? null : DeviceCache.between(device0, device1), HostPool.between(pool0, HostBlockPool.shared().stats()));
    }

    private void evaluate(Built built, int i, int n) {
        if (noScopes) {
            TensorScope.outside(() -> {
                built.evaluation().run(i, n);
                return null;
            });
            return;
        }
        try (TensorScope evaluation = TensorScope.open()) {
            built.evaluation().run(i, n);
        }
    }

    private Built build(Stage stage, StageLoader loader, Backend backend, RandomModel model) {
        int b = batch, size = model.decoderConfig().imageSize();
        return switch (stage) {
            case TEXT -> {
                PromptEncoder encoder = new PromptEncoder(backend, loader.clipText(), model.clipConfig().contextLength());
                List<String> prompts = Collections.nCopies(b, PROMPT);
                yield new Built((i, n) -> encoder.encodeGuided(prompts), 2 * b, 2 * b * StageFlops.clipText(model.clipConfig()));
            }
            case PRIOR -> {
                PriorDiffusionModel prior = loader.prior();
                TextConditioning text = conditioning(backend, model);
                Tensor x = backend.randn(seed, 0, 2L * b, model.priorConfig().clipDim());
                yield new Built((i, n) -> prior.guidedPredict(x, timestep(i, n), text, PRIOR_GUIDANCE), 2 * b,
                        2 * b * StageFlops.prior(model.priorConfig()));
            }
            case DECODER -> {
                DecoderDiffusionModel decoder = loader.decoder();
                TextConditioning text = conditioning(backend, model);
                Tensor y = decoder.guidedY(backend.randn(seed, 1, b, model.decoderConfig().clipDim()));
                Tensor x = backend.randn(seed, 2, 2L * b, 3, size, size);
                yield new Built((i, n) -> decoder.guidedPredict(x, timestep(i, n), y, text, DECODER_GUIDANCE), 2 * b,
                        2 * b * StageFlops.decoder(model.decoderConfig()));
            }
            case SR -> {
                SuperResDiffusionModel sr = loader.superRes();
                ImprovedSupRes64to256 networks = sr.networks();
                int out = size * SuperResDiffusionModel.SCALE;
                Tensor x = backend.randn(seed, 3, b, 3, out, out), low = backend.randn(seed, 4, b, 3, out, out);
                // step n−1 … 0 as the sampler counts them: the last evaluation runs model_last_step
                yield new Built((i, n) -> networks.modelForStep(n - 1 - i).forward(x, GaussianDiffusion.timesteps(timestep(i, n), b), low), b,
                        b * StageFlops.sr(model.srConfig(), out));
            }
        };
    }

    /** Timed evaluations: text once; diffusion stages --steps, else the quality's step count. */
    private int evaluations(Stage stage) {
        if (stage == Stage.TEXT) return 1;
        if (steps != null) return steps;
        return switch (stage) {
            case PRIOR -> 25;
            case DECODER -> quality.equals("fast") ? 25 : 50;
            default -> 7;
        };
    }

    /** Random CLIP text features and the real token mask of the guided prompt rows. */
    private TextConditioning conditioning(Backend backend, RandomModel model) {
        int rows = 2 * batch, ctx = model.clipConfig().contextLength();
        List<String> texts = new ArrayList<>(Collections.nCopies(batch, PROMPT));
        texts.addAll(Collections.nCopies(batch, ""));
        Tensor mask = ClipTokenizer.get().paddedTokensAndMask(texts, ctx).maskTensor();
        return new TextConditioning(backend.randn(seed, 5, rows, model.clipConfig().embedDim()),
                backend.randn(seed, 6, rows, ctx, model.clipConfig().textWidth()), backend.upload(mask));
    }

    /** Original timesteps spread over 999 … 0 like a respaced schedule of n steps. */
    private static long timestep(int i, int n) {
        return n == 1 ? 999 : Math.round(999.0 * (n - 1 - i) / (n - 1));
    }

    private List<Stage> parseStages() {
        List<Stage> out = new ArrayList<>();
        for (String s : stages) {
            try {
                out.add(Stage.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--stages takes text, prior, decoder, sr; got '" + s + "'");
            }
        }
        if (out.isEmpty()) throw new ParameterException(spec.commandLine(), "--stages names no stage (text, prior, decoder, sr)");
        return out;
    }

    /** The embedded tiny model's configs (weights/tiny), read from its YAML files and CLIP shapes only. */
    private static RandomModel tinyModel(long seed) {
        ModelDirectory tiny = ModelDirectory.open(ModelOptions.embeddedModel());
        return new RandomModel(tiny.clip().config(), tiny.prior().config(), tiny.decoder().config(), tiny.sr().config(), seed);
    }

    /**
     * Off-heap tensors count against the JVM's direct-memory cap (by default the heap's maximum, a
     * quarter of RAM): fail now with the fix rather than mid-stage.
     */
    private static void requireDirectMemory(RandomModel model, List<Stage> stages) {
        long cap = directMemoryCap();
        for (Stage stage : stages) {
            long need = weightBytes(model, stage) + ACTIVATION_HEADROOM;
            if (need > cap) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "the %s stage needs about %.1f GiB off-heap but this JVM allows %.1f GiB; run with UNCLIP4J_JAVA_OPTS=-XX:MaxDirectMemorySize=%dg",
                        stage.name().toLowerCase(Locale.ROOT), need / GIB, cap / GIB, (long) Math.ceil(need / GIB) + 4));
            }
        }
    }

    private static long weightBytes(RandomModel model, Stage stage) {
        Map<String, long[]> keys = switch (stage) {
            case TEXT -> KarloKeys.clip(model.clipConfig());
            case PRIOR -> KarloKeys.prior(model.priorConfig());
            case DECODER -> KarloKeys.decoder(model.decoderConfig());
            case SR -> KarloKeys.sr(model.srConfig());
        };
        return keys.entrySet().stream()
                .filter(e -> stage != Stage.TEXT || !e.getKey().startsWith("visual."))
                .mapToLong(e -> Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact) * Float.BYTES)
                .sum();
    }

    private static long directMemoryCap() {
        String v = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("MaxDirectMemorySize").getValue();
        long cap = Long.parseLong(v);
        return cap > 0 ? cap : Runtime.getRuntime().maxMemory(); // 0: the default, the heap's maximum
    }

    private static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String describe(Result r, boolean rssPerStage) {
        double perEval = r.seconds() / r.evaluations();
        DeviceCache cache = r.deviceCache();
        String device = r.device() == null ? "" : String.format(Locale.ROOT,
                "  device peak %.2f GiB in tensors, %.2f GiB reserved, cache %d of %d blocks reused, %d freed, %d GCs asked (%.2f s, whole process)",
                r.device().peakInUse() / GIB, r.device().peakReserved() / GIB, cache.blocksReused(), cache.blocksTaken(), cache.blocksFreed(),
                r.device().collections(), r.device().collectionSeconds());
        HostPool pool = r.hostPool();
        String host = pool.blocksTaken() == 0 ? "" : String.format(Locale.ROOT, "  host pool %.2f GiB, %d of %d blocks reused",
                pool.cachedBytes() / GIB, pool.blocksReused(), pool.blocksTaken());
        return String.format(Locale.ROOT,
                "%-7s rows %d  evals %d  %.3f s (%.3f s/eval, %.2f evals/s)  %.2f GFLOP/eval  %.1f GFLOP/s  cpu %.1f s (%.0f%% of %d cores)  build %.1f s  warm-up %.1f s  peak RSS %.2f GiB%s  heap %.2f GiB%s%s",
                r.stage().name().toLowerCase(Locale.ROOT), r.rows(), r.evaluations(), r.seconds(), perEval, 1 / perEval,
                r.flopPerEvaluation() / 1e9, r.flopPerSecond() / 1e9, r.cpuSeconds(), 100 * r.coreShare(), CORES,
                r.buildSeconds(), r.warmupSeconds(),
                r.peakRss() / GIB, rssPerStage ? "" : " (process)", r.peakHeap() / GIB, host, device);
    }
}
