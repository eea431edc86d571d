package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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
import unclip4j.pipeline.ClipSimilarity;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j similarity --image FILE... --prompt TEXT...}: the table of CLIP cosine similarities. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = "Print the cosine similarity of CLIP's embeddings of pictures (rows) and prompts (columns).")
public final class SimilarityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    ClipImageOptions images;

    @Option(names = "--image", required = true, arity = "1..*", paramLabel = "FILE", description = "Pictures (PNG, JPEG, BMP): one row each.")
    List<Path> imageFiles;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "A prompt, one column; repeat for more.")
    List<String> prompts;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RgbImage[] pictures = imageFiles.stream().map(images::read).toArray(RgbImage[]::new);
        ModelDirectory dir = model.openOrEmbedded();
        ClipConfig config = dir.clip().config();
        Backend b = backend.open();
        StageLoader stages = new StageLoader(dir, b);
        PromptEncoder.Encoded text = new PromptEncoder(b, stages.clipText(), config.contextLength()).encode(prompts);
        PromptTruncation.warn(spec.commandLine().getErr(), prompts, text.tokens());
        Tensor imgFeat = stages.clipImage().forward(images.transform(config.imageResolution()).apply(pictures));

        print(ClipSimilarity.cosine(b.download(imgFeat), b.download(text.text().txtFeat())));
        return 0;
    }

    /** Prompts are listed first and the columns named p0, p1, ...: prompts are too long for headers. */
    private void print(double[][] cos) {
        PrintWriter out = spec.commandLine().getOut();
        for (int j = 0; j < prompts.size(); j++) out.printf("p%d  %s%n", j, prompts.get(j));
        int width = Math.max("image".length(), imageFiles.stream().mapToInt(p -> p.toString().length()).max().orElse(0));
        out.printf("%-" + width + "s", "image");
        for (int j = 0; j < prompts.size(); j++) out.printf("  %8s", "p" + j);
        out.println();
        for (int i = 0; i < cos.length; i++) {
            out.printf("%-" + width + "s", imageFiles.get(i));
            for (double c : cos[i]) out.printf(Locale.ROOT, "  %8.4f", c);
            out.println();
        }
    }
}
