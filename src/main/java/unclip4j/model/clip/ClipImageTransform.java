package unclip4j.model.clip;

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
        if (policy == Resize.SQUASH) return PilBicubic.resize(image, resolution, resolution);
        int w = image.width(), h = image.height();
        // torchvision / HF: the short side becomes R, the long side int(R·long/short) (truncated)
        int newW = w <= h ? resolution : (int) ((long) resolution * w / h);
        int newH = w <= h ? (int) ((long) resolution * h / w) : resolution;
        RgbImage resized = PilBicubic.resize(image, newW, newH);
        return resized.crop((newW - resolution) / 2, (newH - resolution) / 2, resolution, resolution);
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
