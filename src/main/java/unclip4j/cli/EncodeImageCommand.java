package unclip4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.backend.Backend;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.StateDict;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.pipeline.StageLoader;
import unclip4j.tensor.Tensor;

/** {@code unclip4j encode-image --image FILE --out FILE}: CLIP's preprocessed pixels and image embedding. */
@Command(name = "encode-image", mixinStandardHelpOptions = true,
        description = "Preprocess a picture for CLIP and encode it with CLIP's image encoder; write pixels and img_feat.")
public final class EncodeImageCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Mixin
    SafetensorsOutput output;

    @Mixin
    ClipImageOptions images;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "PNG, JPEG, BMP, GIF or TIFF picture.")
    Path image;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.check();
        RgbImage picture = images.read(image);
        ModelDirectory dir = model.openOrEmbedded(spec.commandLine().getOut());
        ClipImageTransform transform = images.transform(StageLoader.imageEncoderConfig(dir).imageResolution());
        transform.requireResizable(picture, image.toString());
        Backend b = backend.open();
        VisionTransformer vision = new StageLoader(dir, b).clipImage();
        Tensor pixels = transform.apply(picture);

        StateDict tensors = new StateDict("encode-image");
        tensors.put("pixels", pixels);
        tensors.put("img_feat", b.download(vision.forward(pixels)));
        output.write(tensors, Map.of("image", image.toString(), "preprocess", images.name()));
        spec.commandLine().getOut().println("wrote " + output.path());
        return 0;
    }
}
