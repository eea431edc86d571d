package unclip4j.diffusion;

import java.util.Locale;
import unclip4j.tensor.Tensor;

/**
 * Where a sampling loop's random draws come from. Each loop asks for {@code x_T} once and one draw
 * per step, named {@code noise.<stage>.<NNN>} in draw order (the fixtures' naming), so a run can be
 * recorded and replayed exactly: by another backend, another machine, or another implementation.
 */
public interface NoiseSource {

    /** The next standard-normal draw of the given shape for a stage ("prior", "decoder", "sr"). */
    Tensor next(String stage, long... shape);

    /** The conventional name of draw number index of a stage: {@code noise.decoder.007}. */
    static String drawName(String stage, int index) {
        return "noise." + stage + "." + String.format(Locale.ROOT, "%03d", index); // ASCII digits in every locale: a file's tensor names
    }
}
