package unclip4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory.Part;
import unclip4j.config.ClipConfig;
import unclip4j.diffusion.NoiseSource;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.pipeline.FrameDecoder;
import unclip4j.pipeline.ImageEmbedder;
import unclip4j.pipeline.Interpolation;
import unclip4j.pipeline.PromptEncoder;
import unclip4j.pipeline.Rerank;
import unclip4j.pipeline.SamplingSettings;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j interpolate --image A --image B --frames N --out FILE.png} (or two --prompt). */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Frames between two pictures or two prompts, by slerp between their CLIP image embeddings.",
                "A prompt's embedding is a prior sample: the first prompt's drawn from --seed S, the second's from S+1, as prior draws them.",
                "Every frame is decoded with the same noise (that of seed S), so the first and last frames are the endpoints' own decodings.",
                "Without --model it runs the embedded tiny random test model (weights/tiny)."})
public final class InterpolateCommand extends PictureCommand {
    @Option(names = "--image", paramLabel = "FILE", description = "An endpoint picture; give exactly two (or two --prompt, or --embedding).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--prompt", paramLabel = "TEXT", description = "An endpoint prompt; give exactly two (or two --image, or --embedding).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--embedding", paramLabel = "FILE",
            description = "Safetensors file of CLIP image embeddings (prior's image_embedding, encode-image's img_feat, ...): "
                    + "the endpoints are their rows, two in all (one file of two rows, or two files of one).")
    List<Path> embeddingFiles = new ArrayList<>();

    @Mixin
    EmbeddingTensorOption tensor;

    /** Far above any useful interpolation; every frame is held in memory until the PNGs are written. */
    static final int MAX_FRAMES = 1024;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "5", description = "Number of frames, endpoints included (>= 2). Default: ${DEFAULT-VALUE}.")
    int frames;

    private final List<RgbImage> pictures = new ArrayList<>();
    /** What each --embedding file held: the tensor read and its rows. */
    private final List<EmbeddingFile.Embeddings> embeddingRows = new ArrayList<>();

    @Override
    void validate() {
        int kinds = (images.isEmpty() ? 0 : 1) + (prompts.isEmpty() ? 0 : 1) + (embeddingFiles.isEmpty() ? 0 : 1);
        boolean two = images.size() == 2 || prompts.size() == 2 || !embeddingFiles.isEmpty();
        if (kinds != 1 || !two) {
            throw new IllegalArgumentException("give two endpoints of one kind: --image A --image B, --prompt A --prompt B, or --embedding "
                    + "(got " + images.size() + " image(s), " + prompts.size() + " prompt(s), " + embeddingFiles.size() + " embedding file(s))");
        }
        if (frames < 2) throw new IllegalArgumentException("--frames must be at least 2 (the endpoints), got " + frames);
        if (frames > MAX_FRAMES) throw new IllegalArgumentException("--frames " + frames + ": at most " + MAX_FRAMES + " (every frame is kept until the end)");
        for (Path p : images) pictures.add(VaryCommand.read(p));
        for (Path f : embeddingFiles) embeddingRows.add(EmbeddingFile.read(f, tensor.name));
        int rows = embeddingRows.stream().mapToInt(e -> e.rows().dim(0)).sum();
        if (!embeddingFiles.isEmpty() && rows != 2) {
            throw new IllegalArgumentException("the --embedding files hold " + rows + " embedding" + (rows == 1 ? "" : "s")
                    + "; the endpoints must be exactly two rows");
        }
    }

    @Override
    int pictureCount() {
        return frames;
    }

    /**
     * Every frame is decoded from the same noise; the prior samples the two prompts' endpoints as two
     * pictures, so they are what {@code prior --seed S} and {@code --seed S+1} draw.
     */
    @Override
    int seededPictures(String stage) {
        return stage.equals("prior") && !prompts.isEmpty() ? prompts.size() : 1;
    }

    @Override
    public List<Part> parts() {
        return prompts.isEmpty() ? List.of(Part.CLIP, Part.DECODER, Part.SR) : List.of(Part.CLIP, Part.CLIP_STATS, Part.PRIOR, Part.DECODER, Part.SR);
    }

    @Override
    Pictures draw(StageLoader stages, Backend backend, SamplingSettings s, NoiseSource draws, Progress progress) {
        ClipConfig clip = clipConfig(stages);
        // picture endpoints need the image encoder and a picture it can resize: checked before the weights load
        ClipImageTransform transform = pictures.isEmpty() ? null
                : ClipImageTransform.karlo(StageLoader.imageEncoderConfig(stages.source()).imageResolution());
        for (int i = 0; i < pictures.size(); i++) transform.requireResizable(pictures.get(i), images.get(i).toString());
        PromptEncoder encoder = new PromptEncoder(backend, stages.clipText(), clip.contextLength());
        List<Tensor> ends = new ArrayList<>();
        if (!embeddingFiles.isEmpty()) {
            for (int i = 0; i < embeddingFiles.size(); i++) {
                Tensor rows = embeddingRows.get(i).rows();
                EmbeddingFile.requireWidth(embeddingFiles.get(i), rows, stages.source().decoder().config().clipDim(), "this decoder");
                for (int r = 0; r < rows.dim(0); r++) ends.add(rows.slice(0, r, r + 1).contiguous()); // host, as Slerp reads them
            }
            progress.mark();
        } else if (!prompts.isEmpty()) {
            Rerank prior = new Rerank(backend, encoder, stages.prior());
            progress.mark();
            Tensor z = prior.sample(prompts, 1, s, draws, steps).embeddings();
            trace.caption("prior", prompts.getFirst());
            ends.add(z.slice(0, 0, 1).contiguous());
            ends.add(z.slice(0, 1, 2).contiguous());
        } else {
            ImageEmbedder embedder = new ImageEmbedder(backend, stages.clipImage(), transform);
            for (RgbImage p : pictures) ends.add(embedder.embed(p));
        }
        Interpolation interpolation = new Interpolation(new FrameDecoder(backend, encoder, stages.decoder(), stages.superRes()));
        List<FrameDecoder.Frame> result = interpolation.run(ends.get(0), ends.get(1), frames, s, draws, steps);
        List<Tensor> pics = result.stream().map(f -> f.decoded().image()).toList();
        String kind = !prompts.isEmpty() ? "prompts" : !images.isEmpty() ? "images" : "embeddings";
        Object endpoints = !prompts.isEmpty() ? prompts
                : !images.isEmpty() ? images.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()
                : IntStream.range(0, embeddingFiles.size()).mapToObj(i -> RunManifest.map("path", embeddingFiles.get(i).toAbsolutePath().normalize().toString(),
                        "tensor", embeddingRows.get(i).tensor())).toList();
        Map<String, Object> facts = RunManifest.map(kind, endpoints, "frames", frames, "fractions", Interpolation.fractions(frames));
        // the manifest's seed is the frames'; the prompts' prior samples drew from their own
        if (!prompts.isEmpty() && noise.noise == null) facts.put("prior_seeds", List.of(noise.seed(), noise.seed() + 1));
        return new Pictures(concatRows(pics), frames, facts);
    }
}
