package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.config.ClipConfig;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.pipeline.ClipSimilarity;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j similarity --image FILE... [--embedding FILE...] --prompt TEXT...}: the table of CLIP cosine similarities. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = {"Print the cosine similarity of CLIP's embeddings of pictures (rows) and prompts (columns).",
                "Rows can also be CLIP image embeddings from files, such as prior samples: how well each matches each prompt."})
public final class SimilarityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    ClipImageOptions images;

    @Option(names = "--image", arity = "1..*", paramLabel = "FILE", description = "Pictures (PNG, JPEG, BMP, GIF or TIFF): one row each.")
    List<Path> imageFiles = List.of();

    @Option(names = "--embedding", paramLabel = "FILE",
            description = "Safetensors file of CLIP image embeddings, [B, D] or [D] (prior's image_embedding, encode-image's img_feat): "
                    + "one row per embedding, after the pictures; repeat for more files.")
    List<Path> embeddingFiles = List.of();

    @Mixin
    EmbeddingTensorOption tensor;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "A prompt, one column; repeat for more.")
    List<String> prompts;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (imageFiles.isEmpty() && embeddingFiles.isEmpty()) throw new IllegalArgumentException("give the rows: --image or --embedding (or both)");
        RgbImage[] pictures = imageFiles.stream().map(images::read).toArray(RgbImage[]::new);
        List<Tensor> embeddings = embeddingFiles.stream().map(f -> EmbeddingFile.read(f, tensor.name).rows()).toList();
        ModelDirectory dir = model.openOrEmbedded(spec.commandLine().getOut());
        ClipConfig config = dir.clip().config();
        for (int i = 0; i < embeddings.size(); i++) EmbeddingFile.requireWidth(embeddingFiles.get(i), embeddings.get(i), config.embedDim(), "this CLIP");
        // picture rows need the image encoder and pictures it can resize; embedding rows need neither
        ClipImageTransform transform = pictures.length == 0 ? null : images.transform(StageLoader.imageEncoderConfig(dir).imageResolution());
        for (int i = 0; i < pictures.length; i++) transform.requireResizable(pictures[i], imageFiles.get(i).toString());
        Backend b = backend.open();
        StageLoader stages = new StageLoader(dir, b);
        PromptEncoder.Encoded text = new PromptEncoder(b, stages.clipText(), config.contextLength()).encode(prompts);
        PromptTruncation.warn(spec.commandLine().getErr(), prompts, text.tokens());
        List<Tensor> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (pictures.length > 0) {
            rows.add(b.download(stages.clipImage().forward(transform.apply(pictures))));
            imageFiles.forEach(f -> labels.add(f.toString()));
        }
        for (int i = 0; i < embeddings.size(); i++) {
            rows.add(embeddings.get(i));
            for (int r = 0; r < embeddings.get(i).dim(0); r++) labels.add(embeddingFiles.get(i) + "[" + r + "]");
        }
        // every group of host rows against the prompts, the tables stacked
        Tensor txtFeat = b.download(text.text().txtFeat());
        print(labels, rows.stream().flatMap(r -> Arrays.stream(ClipSimilarity.cosine(r, txtFeat))).toArray(double[][]::new));
        return 0;
    }

    /** Prompts are listed first and the columns named p0, p1, ...: prompts are too long for headers. */
    private void print(List<String> rawLabels, double[][] cos) {
        PrintWriter out = spec.commandLine().getOut();
        List<String> labels = rawLabels.stream().map(Printable::of).toList(); // file names, which may hold a newline
        for (int j = 0; j < prompts.size(); j++) out.printf("p%d  %s%n", j, Printable.of(prompts.get(j)));
        int width = Math.max("image".length(), labels.stream().mapToInt(String::length).max().orElse(0));
        out.printf("%-" + width + "s", "image");
        for (int j = 0; j < prompts.size(); j++) out.printf("  %8s", "p" + j);
        out.println();
        for (int i = 0; i < cos.length; i++) {
            out.printf("%-" + width + "s", labels.get(i));
            for (double c : cos[i]) out.printf(Locale.ROOT, "  %8.4f", c);
            out.println();
        }
    }
}
