package unclip4j.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import unclip4j.backend.Backend;
import unclip4j.image.RgbImage;
import unclip4j.model.clip.ClipImageTransform;
import unclip4j.model.clip.VisionTransformer;
import unclip4j.tensor.Tensor;

/**
 * CLIP score: the cosine of CLIP's embeddings of a picture and of its caption, the usual measure of
 * how closely text-to-image pictures follow their prompts (Hessel et al., 2021, "CLIPScore", before
 * their clipping at 0 and weight 2.5). Pictures get openai/CLIP's preprocessing (short side, centre
 * crop), as scoring tools use it, so a score is what {@code similarity --preprocess clip} prints.
 */
public final class ClipScore {
    /** Pictures per vision-tower forward: enough to keep the GEMMs wide, few enough for long runs' memory. */
    private static final int PICTURES_PER_FORWARD = 8;

    private final Backend backend;
    private final VisionTransformer vision;
    private final PromptEncoder prompts;
    private final ClipImageTransform transform;

    public ClipScore(Backend backend, VisionTransformer vision, PromptEncoder prompts, int resolution) {
        this.backend = backend;
        this.vision = vision;
        this.prompts = prompts;
        this.transform = new ClipImageTransform(resolution, ClipImageTransform.Resize.SHORT_SIDE_CENTER_CROP);
    }

    /** One cosine per picture: picture i against {@code captions.get(i)}. */
    public double[] score(List<RgbImage> pictures, List<String> captions) {
        if (pictures.size() != captions.size()) throw new IllegalArgumentException(pictures.size() + " pictures for " + captions.size() + " captions");
        // each distinct caption is encoded once
        Map<String, Integer> column = new LinkedHashMap<>();
        for (String c : captions) column.putIfAbsent(c, column.size());
        Tensor txtFeat = backend.download(prompts.encode(new ArrayList<>(column.keySet())).text().txtFeat());
        double[] cos = new double[pictures.size()];
        for (int first = 0; first < pictures.size(); first += PICTURES_PER_FORWARD) {
            List<RgbImage> part = pictures.subList(first, Math.min(pictures.size(), first + PICTURES_PER_FORWARD));
            Tensor imgFeat = backend.download(vision.forward(transform.apply(part.toArray(RgbImage[]::new))));
            double[][] table = ClipSimilarity.cosine(imgFeat, txtFeat);
            for (int i = 0; i < part.size(); i++) cos[first + i] = table[i][column.get(captions.get(first + i))];
        }
        return cos;
    }
}
