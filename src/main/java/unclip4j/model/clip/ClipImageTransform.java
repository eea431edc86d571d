package unclip4j.model.clip;

import unclip4j.image.Images;
import unclip4j.image.PilBicubic;
import unclip4j.image.RgbImage;
import unclip4j.tensor.Tensor;

/**
 * CLIP image preprocessing (spec §4, §14.28): resize an 8-bit RGB picture to the encoder's resolution
 * with Pillow's 8-bit bicubic ({@link PilBicubic}), then {@code to_tensor} (/255) and per-channel
 * {@code (x - mean) / std} in float32. Two resize policies, which give different pixels:
 * <ul>
 *   <li>{@link Resize#SQUASH}: both sides to R, aspect ratio not kept, no crop — Karlo
 *       {@code karlo/sampler/i2i.py I2ISampler.preprocess} ({@code TVF.resize(img, [R, R], BICUBIC)});
 *   <li>{@link Resize#SHORT_SIDE_CENTER_CROP}: short side to R (long side {@code floor(R·long/short)}),
 *       then the centred R×R crop with offset {@code floor((size - R) / 2)} — openai/CLIP's transform and
 *       diffusers' {@code CLIPImageProcessor} (torchvision's CenterCrop rounds that offset half-to-even
 *       instead, one pixel apart when the excess is 3 mod 4; the HF processor is followed here).
 * </ul>
 */
public final class ClipImageTransform {
    public enum Resize { SQUASH, SHORT_SIDE_CENTER_CROP }

    /** OpenAI CLIP's normalisation constants (R, G, B). */
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int resolution;
    private final Resize policy;

    public ClipImageTransform(int resolution, Resize policy) {
        if (resolution <= 0) throw new IllegalArgumentException("resolution must be positive: " + resolution);
        this.resolution = resolution;
        this.policy = policy;
    }

    /** Karlo's image-variation preprocessing. */
    public static ClipImageTransform karlo(int resolution) {
        return new ClipImageTransform(resolution, Resize.SQUASH);
    }

    /** The R×R 8-bit picture the encoder sees. */
    public RgbImage resize(RgbImage image) {
        requireResizable(image, "the picture");
        Size size = resizedSize(image);
        // both sides fit an int: requireResizable bounds them by Images.MAX_PIXELS
        RgbImage resized = PilBicubic.resize(image, Math.toIntExact(size.width()), Math.toIntExact(size.height()));
        if (policy == Resize.SQUASH) return resized;
        return resized.crop((resized.width() - resolution) / 2, (resized.height() - resolution) / 2, resolution, resolution);
    }

    /**
     * Refuses, before any pixel is made, a picture so far from square that resizing it would make an
     * image above {@link Images#MAX_PIXELS}, the limit pictures are read with: squashing a 1 × 3,300,000
     * strip to 224² goes through a 224 × 3,300,000 image (2.2 GB), and a 1 × 89M one with its short side
     * at 224 would be 224 × 2·10¹⁰. Under the limit no image made is larger than the largest picture read
     * (537 MB), and as each pass reads a few taps per pixel of its larger side, the time stays bounded too.
     * name is what the message calls the picture (its file, say).
     */
    public void requireResizable(RgbImage image, String name) {
        Size size = resizedSize(image);
        // PilBicubic resizes horizontally first: every image it makes is the new width wide and as tall
        // as the picture or the new height
        long width = size.width(), height = Math.max(image.height(), size.height());
        if (width > Images.MAX_PIXELS / height) {
            String how = policy == Resize.SQUASH ? "squashing it to " + resolution + " × " + resolution
                    : "scaling its short side to " + resolution;
            throw new IllegalArgumentException(name + " (" + image.width() + " × " + image.height() + " pixels) is too far from square: "
                    + how + " needs a " + width + " × " + height + " image, above the limit of " + Images.MAX_PIXELS
                    + " pixels; crop it to a less extreme aspect ratio first");
        }
    }

    /** Width and height in long: the short side's scale can take the long side far past an int. */
    private record Size(long width, long height) {}

    /** The size the picture is resized to, before any crop. */
    private Size resizedSize(RgbImage image) {
        if (policy == Resize.SQUASH) return new Size(resolution, resolution);
        long w = image.width(), h = image.height();
        // torchvision / HF: the short side becomes R, the long side int(R·long/short) (truncated)
        return w <= h ? new Size(resolution, resolution * h / w) : new Size(resolution * w / h, resolution);
    }

    /** Normalised pixels {@code [N, 3, R, R]} F32 (host) of the images, each resized by this transform. */
    public Tensor apply(RgbImage... images) {
        int r = resolution, plane = r * r;
        float[] out = new float[Math.multiplyExact(images.length, 3 * plane)];
        for (int n = 0; n < images.length; n++) {
            RgbImage img = resize(images[n]);
            for (int c = 0; c < 3; c++) {
                int base = (n * 3 + c) * plane;
                for (int y = 0; y < r; y++) {
                    for (int x = 0; x < r; x++) {
                        float v = img.get(x, y, c) / 255f;              // to_tensor
                        out[base + y * r + x] = (v - MEAN[c]) / STD[c]; // Normalize, float32 like torchvision
                    }
                }
            }
        }
        return Tensor.of(out, images.length, 3, r, r);
    }
}
