package unclip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;
import unclip4j.diffusion.NoiseSource;
import unclip4j.image.OutputImages;
import unclip4j.image.RgbImage;
import unclip4j.model.prior.PriorDiffusionModel;
import unclip4j.pipeline.ClipScore;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.pipeline.TextToImage;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/** {@code unclip4j generate --prompt TEXT --out FILE.png}: text to image. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text to image: CLIP text encoder -> prior -> 64 px decoder -> super-resolution to 256 px (Karlo's T2ISampler).",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class GenerateCommand extends PictureCommand {
    @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt; repeat for several (one grid row each).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "More prompts, one per line (UTF-8; blank lines skipped), after any --prompt: e.g. a caption set to evaluate.")
    Path promptFile;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Pictures per prompt (one grid column each). Default: ${DEFAULT-VALUE}.")
    int batch;

    /** DALL-E 2 reranks 2 samples; every one is a prior run per picture, all of a batch held at once. */
    static final int MAX_RERANK = 64;

    @Option(names = "--rerank", paramLabel = "K", defaultValue = "1",
            description = "Draw K prior samples per picture (1.." + MAX_RERANK + ") and keep the one closest (CLIP cosine) to the prompt's text embedding. Default: ${DEFAULT-VALUE} (no reranking, as Karlo).")
    int rerank;

    @Mixin
    MaxBatchOption maxBatch;

    @Option(names = "--clip-score",
            description = "Also score each picture against its prompt: the cosine of CLIP's embeddings of the 8-bit picture as written "
                    + "and of the prompt (openai/CLIP preprocessing), per picture in the manifest (clip_score) and as a printed mean.")
    boolean clipScore;

    @Option(names = "--save-embedding", paramLabel = "FILE.safetensors",
            description = "Also write the CLIP image embeddings the prior sampled, image_embedding [N, D] in picture order, "
                    + "for decode, interpolate --embedding or similarity --embedding.")
    Path saveEmbedding;

    private Tensor embedding;

    @Override
    void validate() {
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1 (it is the number of pictures per prompt), got " + batch);
        if (rerank < 1 || rerank > MAX_RERANK) {
            throw new IllegalArgumentException("--rerank is 1.." + MAX_RERANK + " prior samples per picture, got " + rerank);
        }
        if (promptFile != null) prompts.addAll(PromptFile.read(promptFile));
        if (prompts.isEmpty()) throw new IllegalArgumentException("give a prompt: --prompt TEXT or --prompt-file FILE");
        if ((long) prompts.size() * batch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(prompts.size() + " prompts × --batch " + batch + " are more pictures than one run can count");
        }
        maxBatch.check(pictureCount(), noise);
    }

    @Override
    int pictureCount() {
        return prompts.size() * batch;
    }

    @Override
    public List<Part> parts() {
        return List.of(Part.CLIP, Part.CLIP_STATS, Part.PRIOR, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource draws, Progress progress) {
        List<String> rows = new ArrayList<>();
        for (String p : prompts) rows.addAll(Collections.nCopies(batch, p));
        PromptEncoder encoder = new PromptEncoder(backend, stages.clipText(), clipConfig(stages).contextLength());
        PromptTruncation.warn(spec.commandLine().getErr(), prompts, clipConfig(stages).contextLength());
        PriorDiffusionModel prior = stages.prior();
        TextToImage t2i = new TextToImage(backend, encoder, prior, stages.decoder(), stages.superRes());
        progress.mark();
        ClipScore scorer = clipScore ? new ClipScore(backend, stages.clipImage(), encoder, clipConfig(stages).imageResolution()) : null;
        List<Tensor> embeddings = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        // each batch leaves only its pictures and embeddings (the pipeline returns both on the host) and scores, so device memory is one batch's
        Tensor images = drawInBatches(maxBatch, rows.size(), backend, draws, progress, (first, count, noise, listener) -> {
            List<String> part = rows.subList(first, first + count);
            TextToImage.Result r = t2i.run(part, rerank, s, noise, listener);
            if (first == 0) trace.priorReference(r.text().text().txtFeat(), prior::denormalize);
            embeddings.add(r.imageEmbedding());
            if (scorer != null) for (double c : clipScores(scorer, r.image(), part)) scores.add(c);
            return r.image();
        });
        embedding = concatRows(embeddings);
        trace.caption("prior", rows.getFirst());
        trace.caption("decoder", rows.getFirst());
        Map<String, Object> facts = RunManifest.map("prompts", prompts, "batch", batch, "rerank", rerank);
        if (promptFile != null) facts.put("prompt_file", promptFile.toAbsolutePath().normalize().toString());
        maxBatch.addTo(facts, rows.size());
        if (scorer != null) {
            double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            spec.commandLine().getOut().printf(Locale.ROOT, "clip score (cosine of CLIP embeddings, picture vs prompt): mean %.4f over %d pictures%n",
                    mean, scores.size());
            facts.put("clip_score", RunManifest.map("preprocess", "clip", "cosine", scores, "mean", mean));
        }
        return new Pictures(images, batch, facts);
    }

    /** CLIP scores of pictures as they are written (8-bit), each against its caption. */
    private static double[] clipScores(ClipScore scorer, Tensor pictures, List<String> captions) {
        List<RgbImage> written = IntStream.range(0, pictures.dim(0)).mapToObj(i -> OutputImages.toRgb(pictures, i)).toList();
        try (var stage = Profiler.stage("clip-score")) {
            return scorer.score(written, captions);
        }
    }

    @Override
    List<Path> extraOutputs() {
        return saveEmbedding == null ? List.of() : List.of(saveEmbedding);
    }

    @Override
    List<Path> writeExtras() {
        if (saveEmbedding == null) return List.of();
        StateDict sd = new StateDict("image embeddings");
        sd.put("image_embedding", embedding.contiguous());
        SafetensorsWriter.write(saveEmbedding, sd, Map.of("prompts", String.join("\n", prompts), "batch", String.valueOf(batch)));
        return List.of(saveEmbedding);
    }
}
