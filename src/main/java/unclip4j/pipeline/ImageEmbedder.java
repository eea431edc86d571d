package unclip4j.pipeline;

import unclip4j.backend.Backend;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.tensor.Tensor;

/** A picture's CLIP image embedding, with Karlo's preprocessing: what image variations decode from. */
public final class ImageEmbedder {
    private final Backend backend;
    private final VisionTransformer vision;
    private final ClipImageTransform transform;

    public ImageEmbedder(Backend backend, VisionTransformer vision, ClipImageTransform transform) {
        this.backend = backend;
        this.vision = vision;
        this.transform = transform;
    }

    /** {@code [1, D]} on the host. */
    public Tensor embed(RgbImage image) {
        return backend.download(vision.forward(transform.apply(image)));
    }
}
