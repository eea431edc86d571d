package unclip4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RespacingTest {
    @Test
    void specSection82Lists() {
        assertArrayEquals(new int[] {0, 42, 83, 125, 166, 208, 250, 291, 333, 375, 416, 458, 500, 541, 583, 624, 666, 708, 749,
                791, 832, 874, 916, 957, 999}, Respacing.spaceTimesteps(1000, "25"));
        assertArrayEquals(new int[] {0, 20, 41, 61, 82, 102, 122, 143, 163, 183, 204, 224, 245, 265, 285, 306, 326, 347, 367,
                387, 408, 428, 449, 469, 489, 510, 530, 550, 571, 591, 612, 632, 652, 673, 693, 714, 734, 754, 775, 795, 816, 836,
                856, 877, 897, 917, 938, 958, 979, 999}, Respacing.spaceTimesteps(1000, "50"));
        // 166.5 → 166 and 832.5 → 832: half to even, not Math.round's half up
        assertArrayEquals(new int[] {0, 166, 333, 500, 666, 832, 999}, Respacing.spaceTimesteps(1000, "7"));
    }

    @Test
    void ddimAndFast27() {
        assertArrayEquals(IntStream.range(0, 25).map(i -> 40 * i).toArray(), Respacing.spaceTimesteps(1000, "ddim25"));
        assertArrayEquals(IntStream.range(0, 1000).toArray(), Respacing.spaceTimesteps(1000, "ddim1000"));
        // stride 143 gives 7 steps; no stride gives 37 (rejected below)
        assertArrayEquals(new int[] {0, 143, 286, 429, 572, 715, 858}, Respacing.spaceTimesteps(1000, "ddim7"));
        assertArrayEquals(new int[] {0, 22, 44, 66, 88, 111, 133, 155, 177, 199, 200, 222, 244, 266, 288, 311, 333, 355, 377,
                399, 400, 500, 599, 600, 799, 800, 997}, Respacing.spaceTimesteps(1000, "fast27"));
    }

    @Test
    void sectionsAndNoRespacing() {
        // 300 steps in 3 sections of 100 (guided-diffusion's docstring example)
        int[] steps = Respacing.spaceTimesteps(300, "10,15,20");
        assertEquals(45, steps.length);
        assertEquals(100, steps[10]);
        assertEquals(299, steps[44]);
        // 1000 = 334 + 333 + 333: the first section is one step longer
        assertArrayEquals(new int[] {0, 333, 334, 666, 667, 999}, Respacing.spaceTimesteps(1000, "2,2,2"));
        assertArrayEquals(IntStream.range(0, 1000).toArray(), Respacing.spaceTimesteps(1000, ""));
        assertArrayEquals(IntStream.range(0, 1000).toArray(), Respacing.spaceTimesteps(1000, "1000"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "1001", "ddim37", "ddim1", "ddim0", "ddim", "ddimx", "500,501", "0,0", "-5", "25 steps", "fast28",
            "10,,10", "1e3", "99999999999"})
    void rejectsWhatCannotBeHonoured(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Respacing.spaceTimesteps(1000, spec));
        assertTrue(e.getMessage().contains("'" + spec + "'"), e.getMessage());
    }

    @Test
    void aStepCountBeyondAnIntSaysTooManyStepsNotBadSyntax() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Respacing.spaceTimesteps(1000, "2000000000"));
        assertTrue(e.getMessage().contains("2000000000 steps is more than any schedule has"), e.getMessage());
        assertArrayEquals(Respacing.spaceTimesteps(1000, "25"), Respacing.spaceTimesteps(1000, "0000000025"), "leading zeros are no digits");
    }
}
