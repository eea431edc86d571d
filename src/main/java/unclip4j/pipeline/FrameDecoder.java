package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import unclip4j.backend.Backend;
import unclip4j.diffusion.NoiseSource;
import unclip4j.diffusion.RepeatingNoise;
import unclip4j.diffusion.StepListener;
import unclip4j.model.clip.TextConditioning;
import unclip4j.model.unet.DecoderDiffusionModel;
import unclip4j.model.unet.SuperResDiffusionModel;
import unclip4j.tensor.Tensor;

/**
 * Decodes a sequence of image embeddings as frames of one picture: each frame is decoded like an
 * image variation (the empty caption in both guidance halves) and with the <b>same decoder and
 * super-resolution draws</b>, recorded from the noise source during the first frame and replayed
 * for the others, so that the frames differ only by their embeddings.
 */
public final class FrameDecoder {
    /** One frame: its position (interpolation fraction or edit amount), its embedding and its images (library API; the commands write the images). */
    public record Frame(double position, Tensor imageEmbedding, ImageDecoder.Decoded decoded) {}

    private final Backend backend;
    private final PromptEncoder prompts;
    private final ImageDecoder decoder;

    public FrameDecoder(Backend backend, PromptEncoder prompts, DecoderDiffusionModel decoder, SuperResDiffusionModel superRes) {
        this.backend = backend;
        this.prompts = prompts;
        this.decoder = new ImageDecoder(backend, decoder, superRes);
    }

    /**
     * @param positions  one label per frame, kept in the result
     * @param embeddings one host {@code [1, D]} embedding per frame
     */
    public List<Frame> decode(double[] positions, List<Tensor> embeddings, SamplingSettings s, NoiseSource noise, StepListener listener) {
        if (positions.length != embeddings.size()) throw new IllegalArgumentException(positions.length + " positions for " + embeddings.size() + " embeddings");
        TextConditioning empty = prompts.encode(List.of("", "")).text();
        RepeatingNoise same = new RepeatingNoise(noise, backend);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < positions.length; i++) {
            same.rewind();
            frames.add(new Frame(positions[i], embeddings.get(i), decoder.decode(embeddings.get(i), empty, s, same, listener)));
        }
        return frames;
    }
}
