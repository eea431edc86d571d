package unclip4j.model.clip;

import unclip4j.backend.Backend;
import unclip4j.checkpoint.Weights;
import unclip4j.nn.Conv2d;
import unclip4j.nn.LayerNorm;
import unclip4j.nn.Params;
import unclip4j.tensor.Tensor;

/**
 * openai/CLIP {@code clip/model.py VisionTransformer} (CLIP's {@code visual}; Karlo's
 * {@code encode_image}), spec §4: patch convolution, class token first, positional embedding,
 * {@code ln_pre}, an unmasked {@link Transformer}, {@code ln_post} on the class token, {@code ·proj}.
 * The result is not L2-normalised.
 */
public final class VisionTransformer {
    private final Backend backend;
    private final Conv2d conv1;               // conv1: patch×patch, stride patch, no bias
    private final Tensor classEmbedding;      // class_embedding [W]
    private final Tensor positionalEmbedding; // positional_embedding [grid² + 1, W]
    private final LayerNorm lnPre;            // ln_pre
    private final Transformer transformer;    // transformer
    private final LayerNorm lnPost;           // ln_post
    private final Tensor proj;                // proj [W, E]: right-multiplied, x·P (§14.13)
    private final int inputResolution;
    private final int width;

    public VisionTransformer(Backend backend, Weights w, int inputResolution, int patchSize, int width, int layers, int heads,
            int outputDim) {
        if (inputResolution % patchSize != 0) {
            throw new IllegalArgumentException("resolution " + inputResolution + " is not a multiple of patch " + patchSize);
        }
        long tokens = (long) (inputResolution / patchSize) * (inputResolution / patchSize) + 1;
        this.backend = backend;
        this.conv1 = new Conv2d(backend, w.at("conv1"), 3, width, patchSize, patchSize, 0, false);
        this.classEmbedding = Params.loadActivation(backend, w, "class_embedding", width);
        this.positionalEmbedding = Params.loadActivation(backend, w, "positional_embedding", tokens, width);
        this.lnPre = new LayerNorm(backend, w.at("ln_pre"), width);
        this.transformer = new Transformer(backend, w.at("transformer"), width, layers, heads, false);
        this.lnPost = new LayerNorm(backend, w.at("ln_post"), width);
        this.proj = Params.load(backend, w, "proj", width, outputDim);
        this.inputResolution = inputResolution;
        this.width = width;
    }

    /** pixels {@code [N, 3, R, R]} (normalised, see {@link ClipImageTransform}) → img_feat {@code [N, E]}. */
    public Tensor forward(Tensor pixels) {
        if (pixels.rank() != 4 || pixels.size(1) != 3 || pixels.size(2) != inputResolution || pixels.size(3) != inputResolution) {
            throw new IllegalArgumentException("pixels must be [N, 3, " + inputResolution + ", " + inputResolution + "], got " + pixels);
        }
        long n = pixels.size(0);
        Tensor p = conv1.forward(backend.upload(pixels));            // [N, W, grid, grid]
        p = p.reshape(n, width, -1).transpose(1, 2);                  // [N, grid², W], patches row-major (y, then x)
        Tensor cls = classEmbedding.reshape(1, 1, width).expand(n, 1, width);
        Tensor x = backend.add(backend.concat(1, cls, p), positionalEmbedding); // [N, grid² + 1, W]
        x = transformer.forward(lnPre.forward(x));
        return backend.matmul(lnPost.forward(x.select(1, 0)), proj);  // ln_post(x[:, 0]) · proj
    }
}
