package unclip4j.model.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected values are CPython 3.11.7's {@code html.unescape} of the same input. */
class HtmlUnescapeTest {
    static Stream<Arguments> pythonResults() {
        return Stream.of(
                Arguments.of("&amp;", "&"),
                Arguments.of("&amp", "&"),                         // legacy name without ';'
                Arguments.of("&ampfoo", "&foo"),                   // longest legacy prefix
                Arguments.of("&notit;", "¬it;"),
                Arguments.of("&notin;", "∉"),
                Arguments.of("&#65;&#x41;&#X41", "AAA"),
                Arguments.of("&#0;", "\uFFFD"),
                Arguments.of("&#128;&#x81;", "€\u0081"),           // C1 as Windows-1252; 0x81 is undefined there and stays
                Arguments.of("&#xD800;", "\uFFFD"),
                Arguments.of("&#1114112;", "\uFFFD"),
                Arguments.of("&#99999999999999999999;", "\uFFFD"),
                Arguments.of("x&#11;&#x1F;&#xFFFE;y", "xy"),       // controls and noncharacters are dropped
                Arguments.of("&#13;", "\r"),
                Arguments.of("&nosuch;", "&nosuch;"),
                Arguments.of("&Jscr;", "\uD835\uDCA5"),            // astral: U+1D4A5
                Arguments.of("&acE;", "∾\u0333"),                  // two code points
                Arguments.of("AT&T", "AT&T"),
                Arguments.of("&&amp;;", "&&;"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonResults")
    void matchesPython(String in, String expected) {
        assertEquals(expected, HtmlUnescape.unescape(in));
    }
}
