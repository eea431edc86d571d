package unclip4j.model.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PromptCleanerTest {
    /** ftfy 6.3.1's {@code fix_text(s, unescape_html=False, fix_encoding=False)} of the same input. */
    static Stream<Arguments> ftfyResults() {
        return Stream.of(
                Arguments.of("\u201chere\u2019s a test\u201d", "\"here's a test\""),
                Arguments.of("\u02bc\u201b\u201f", "''\""),
                Arguments.of("\u0093C1 quotes\u0094 \u0085", "\"C1 quotes\" …"), // C1 read as Windows-1252, then uncurled
                Arguments.of("\u0081", "\u0081"),                                // undefined in Windows-1252: kept
                Arguments.of("\ufb01\ufb02\ufb03 \u0133 \u01c6 \u0149", "fiflffi ij dž 'n"), // ŉ → ʼn, then uncurled
                Arguments.of("ＬＯＵＤ　ＮＯＩＳＥＳ！", "LOUD NOISES!"),
                Arguments.of("Ｕﾀｰﾝ", "Uターン"),                               // half-width katakana widened
                Arguments.of("\u001b[36;44mblue\u001b[0m", "blue"),
                Arguments.of("a\u0000b\u0007c\u000bd\u007fe\ufeff\u206af\ufffcg", "abcdefg"),
                Arguments.of("tab\tlf\nff\fcr\r", "tab\tlf\nff\fcr\r"),
                Arguments.of("e\u0301", "é"),                                    // NFC
                Arguments.of("caf\u00c3\u00a9", "caf\u00c3\u00a9"));             // mojibake: fix_encoding is not ported
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ftfyResults")
    void fixTextMatchesFtfySubset(String in, String expected) {
        assertEquals(expected, PromptCleaner.fixText(in));
    }

    /** openai/CLIP's {@code whitespace_clean(basic_clean(s)).lower()} with the ftfy above. */
    static Stream<Arguments> cleanResults() {
        return Stream.of(
                Arguments.of("  A\u00a0B\u2003\u3000C\t\nD  ", "a b c d"),
                Arguments.of("&amp;lt;b&amp;gt;", "<b>"),            // html.unescape twice
                Arguments.of("&amp;amp;amp;", "&amp;"),              // ... and only twice
                Arguments.of("İSTANBUL ΟΔΟΣ", "i\u0307stanbul οδος")); // str.lower(): full mapping, final sigma
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleanResults")
    void cleanMatchesSimpleTokenizer(String in, String expected) {
        assertEquals(expected, PromptCleaner.clean(in));
    }
}
