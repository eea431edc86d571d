package unclip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.diffusion.NoiseSource;
import unclip4j.pipeline.ImageDecoder;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.profile.Profiler;
import unclip4j.tensor.Tensor;

/** {@code unclip4j decode --embedding FILE --out FILE.png}: the decoder and super-resolution on given CLIP image embeddings. */
@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decode CLIP image embeddings into pictures: the 64 px decoder, then super-resolution to 256 px (the second half of generate).",
                "The embeddings come from a safetensors file, [B, D] or [D]: prior's image_embedding, encode-image's img_feat, or any tool's.",
                "With --prompt the decoder sees that caption, as in generate; without, the empty caption, as in vary.",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class DecodeCommand extends PictureCommand {
    @Option(names = "--embedding", required = true, paramLabel = "FILE", description = "Safetensors file with the embeddings, one picture per row.")
    Path embedding;

    @Mixin
    EmbeddingTensorOption tensor;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "The decoder's caption: once for every row, or once per row in order. Default: the empty caption (as vary).")
    List<String> prompts;

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "The captions from a file, one per line (UTF-8; blank lines skipped), after any --prompt: e.g. the caption set "
                    + "generate --prompt-file drew the embeddings for.")
    Path promptFile;

    @Mixin
    MaxBatchOption maxBatch;

    private Tensor embeddings;
    private String tensorRead;

    @Override
    void validate() {
        EmbeddingFile.Embeddings e = EmbeddingFile.read(embedding, tensor.name);
        embeddings = e.rows();
        tensorRead = e.tensor();
        int rows = embeddings.dim(0);
        if (promptFile != null) {
            if (prompts == null) prompts = new ArrayList<>();
            prompts.addAll(PromptFile.read(promptFile));
        }
        if (prompts != null && prompts.size() != 1 && prompts.size() != rows) {
            throw new IllegalArgumentException((promptFile == null ? "--prompt given " + prompts.size() + " times" : prompts.size() + " captions")
                    + " for " + rows + " embeddings: give one for all of them, or one per row");
        }
        maxBatch.check(rows, noise);
    }

    @Override
    int pictureCount() {
        return embeddings.dim(0);
    }

    @Override
    public List<Part> parts() {
        return List.of(Part.CLIP, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource draws, Progress progress) {
        int rows = embeddings.dim(0);
        EmbeddingFile.requireWidth(embedding, embeddings, stages.source().decoder().config().clipDim(), "this decoder");
        PromptEncoder encoder = new PromptEncoder(backend, stages.clipText(), clipConfig(stages).contextLength());
        ImageDecoder decoder = new ImageDecoder(backend, stages.decoder(), stages.superRes());
        if (prompts != null) {
            PromptTruncation.warn(spec.commandLine().getErr(), prompts, clipConfig(stages).contextLength());
            trace.caption("decoder", prompts.getFirst());
        }
        progress.mark();
        Tensor images = drawInBatches(maxBatch, rows, backend, draws, progress, (first, count, noise, listener) -> {
            PromptEncoder.Encoded text;
            try (var stage = Profiler.stage("clip-text")) {
                // as generate: the captions, then "" for the unguided half; as vary: "" for both halves
                text = prompts == null ? encoder.encode(Collections.nCopies(2 * count, "")) : encoder.encodeGuided(captions(rows).subList(first, first + count));
            }
            Tensor part = backend.upload(embeddings.slice(0, first, first + count).contiguous());
            return decoder.decode(part, text.text(), s, noise, listener).image(); // on the host: ImageDecoder downloads it
        });
        Map<String, Object> facts = RunManifest.map("embedding", embedding.toAbsolutePath().normalize().toString(), "tensor", tensorRead, "prompts", prompts == null ? List.of() : prompts);
        if (promptFile != null) facts.put("prompt_file", promptFile.toAbsolutePath().normalize().toString());
        maxBatch.addTo(facts, rows);
        // rows have no structure of their own (unlike generate's prompts × batch): a near-square grid
        return new Pictures(images, (int) Math.ceil(Math.sqrt(rows)), facts);
    }

    /** One caption per row. */
    private List<String> captions(int rows) {
        return prompts.size() == rows ? prompts : Collections.nCopies(rows, prompts.getFirst());
    }
}
