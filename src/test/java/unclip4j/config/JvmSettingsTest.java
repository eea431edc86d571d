package unclip4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JvmSettingsTest {
    private static final String NAME = "unclip4j.test.setting";

    @AfterEach
    void clear() {
        System.clearProperty(NAME);
    }

    private static String refusal(String value, Runnable read) {
        System.setProperty(NAME, value);
        return assertThrows(IllegalArgumentException.class, read::run).getMessage();
    }

    @Test
    void flagsAreTrueOrFalseAndNothingElse() {
        assertTrue(JvmSettings.flag(NAME, true));
        System.setProperty(NAME, " FALSE ");
        assertFalse(JvmSettings.flag(NAME, true));
        System.setProperty(NAME, "True");
        assertTrue(JvmSettings.flag(NAME, false));
        for (String bad : new String[] {"no", "0", "off", "", "yes"}) {
            assertEquals("-D" + NAME + " is true or false, got '" + bad + "'", refusal(bad, () -> JvmSettings.flag(NAME, true)));
        }
    }

    @Test
    void mebibytesAreWholeNonNegativeNumbers() {
        assertEquals(4096L << 20, JvmSettings.mebibytes(NAME, 4096));
        System.setProperty(NAME, "0");
        assertEquals(0, JvmSettings.mebibytes(NAME, 4096));
        System.setProperty(NAME, "512");
        assertEquals(512L << 20, JvmSettings.mebibytes(NAME, 4096));
        for (String bad : new String[] {"abc", "-1", "1.5", "", "9223372036854775807"}) {
            assertTrue(refusal(bad, () -> JvmSettings.mebibytes(NAME, 1)).contains("is a size in MiB"), bad);
        }
    }

    @Test
    void positiveNumbersAreFiniteAndAboveZero() {
        assertTrue(Double.isNaN(JvmSettings.positive(NAME)));
        System.setProperty(NAME, "397.3");
        assertEquals(397.3, JvmSettings.positive(NAME));
        for (String bad : new String[] {"abc", "0", "-1", "NaN", "Infinity", ""}) {
            assertEquals("-D" + NAME + " is a number above 0, got '" + bad + "'", refusal(bad, () -> JvmSettings.positive(NAME)));
        }
    }
}
