package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class NoiseSourceTest {
    /**
     * Draw names are tensor names in --save-noise files, read back on other machines: the same in every
     * locale. Main sets the root locale for the CLI; library callers keep their own, e.g. Arabic, whose
     * default digits are ٠١٢.
     */
    @Test
    void drawNamesHaveAsciiDigitsInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            assertEquals("noise.decoder.007", NoiseSource.drawName("decoder", 7));
        } finally {
            Locale.setDefault(before);
        }
    }
}
