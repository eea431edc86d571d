package unclip4j.model.clip;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text clean-up CLIP's tokenizer does before splitting a prompt into words
 * ({@code clip/simple_tokenizer.py}): {@code whitespace_clean(basic_clean(text)).lower()}, with
 * {@code basic_clean} = {@code ftfy.fix_text}, {@code html.unescape} twice, {@code strip()}.
 *
 * <p><b>ftfy is not ported.</b> {@link #fixText} repeats, until nothing changes, the ftfy 6.3
 * fixers that act on single characters, in ftfy's order: C1 controls read as Windows-1252,
 * Latin ligatures split (ﬁ → fi, ĳ → ij, ǆ → dž, ...), half/full-width forms to standard width
 * (U+FF01–U+FFEF by NFKC, U+3000 → space), curly quotes straightened (U+02BC, U+2018–U+201B →
 * ', U+201C–U+201F → "), lone surrogates → U+FFFD, ANSI terminal escapes removed, control
 * characters removed (U+0000–U+0008, U+000B, U+000E–U+001F, U+007F, U+206A–U+206F, U+FEFF,
 * U+FFF9–U+FFFC), then NFC. Left out: ftfy's mojibake repair ({@code fix_encoding}: "cafÃ©"
 * stays as it is) and its own HTML unescaping (so "&amp;ldquo;" becomes a curly quote that real
 * ftfy would have straightened, and text escaped three or more times keeps one level); its line
 * break fix is not needed because all whitespace is folded to one space anyway. ASCII prompts,
 * the only ones in the fixtures (made with ftfy stubbed to the identity), are unaffected.
 *
 * <p><b>Whitespace</b> is the Unicode White_Space property, which is what the {@code regex}
 * module's {@code \s} matches. Python's {@code strip()} also strips U+001C–U+001F; those are
 * control characters {@link #fixText} has already removed, so one fold-and-trim is equivalent.
 *
 * <p><b>Lower case</b> is {@code String.toLowerCase(Locale.ROOT)}: the full Unicode mapping, like
 * Python's {@code str.lower()} ('İ' → "i̇", final sigma → 'ς'). Compared code point by code point
 * with CPython 3.11 (Unicode 14), the two differ only on the 27 capitals added in Unicode 15 and
 * 16 (e.g. U+1C89, U+A7CB, U+10D50–U+10D65), which JDK 25 lower-cases and Python 3.11 does not.
 * {@code Character.toLowerCase(int)} (the simple mapping) would differ on 'İ'.
 */
public final class PromptCleaner {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[[\\d;]*[a-zA-Z]", Pattern.UNICODE_CHARACTER_CLASS);

    private PromptCleaner() {}

    /** The text CLIP splits into words: what the fixtures call {@code cleaned}. */
    public static String clean(String text) {
        String unescaped = HtmlUnescape.unescape(HtmlUnescape.unescape(fixText(text)));
        return WHITESPACE.matcher(unescaped).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    /** The subset of {@code ftfy.fix_text} described in the class comment. */
    public static String fixText(String text) {
        String previous;
        do {
            previous = text;
            text = fixCharacters(text);
            text = ANSI_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
        } while (!text.equals(previous));
        return text;
    }

    /** fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_surrogates. */
    private static String fixCharacters(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(fixCharacter(c)));
        return out.toString();
    }

    private static String fixCharacter(int c) {
        if (c >= 0x80 && c <= 0x9F) c = HtmlUnescape.c1AsWindows1252(c).codePointAt(0);
        String ligature = ligature(c);
        if (ligature != null) return uncurl(ligature);
        if (c == 0x3000) return " ";
        if (c >= 0xFF01 && c <= 0xFFEF) {
            return uncurl(Normalizer.normalize(Character.toString(c), Normalizer.Form.NFKC));
        }
        if (c >= 0xD800 && c <= 0xDFFF) return "\uFFFD"; // codePoints() pairs surrogates, so this one is alone
        return uncurl(Character.toString(c));
    }

    /** ftfy's LIGATURES table (chardata.py). */
    private static String ligature(int c) {
        return switch (c) {
            case 'Ĳ' -> "IJ";
            case 'ĳ' -> "ij";
            case 'ŉ' -> "ʼn"; // U+02BC, straightened to ' by uncurl
            case 'Ǳ' -> "DZ";
            case 'ǲ' -> "Dz";
            case 'ǳ' -> "dz";
            case 'Ǆ' -> "DŽ";
            case 'ǅ' -> "Dž";
            case 'ǆ' -> "dž";
            case 'Ǉ' -> "LJ";
            case 'ǈ' -> "Lj";
            case 'ǉ' -> "lj";
            case 'Ǌ' -> "NJ";
            case 'ǋ' -> "Nj";
            case 'ǌ' -> "nj";
            case 'ﬀ' -> "ff";
            case 'ﬁ' -> "fi";
            case 'ﬂ' -> "fl";
            case 'ﬃ' -> "ffi";
            case 'ﬄ' -> "ffl";
            case 'ﬅ' -> "ſt";
            case 'ﬆ' -> "st";
            default -> null;
        };
    }

    private static String uncurl(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch == '\u02BC' || (ch >= '\u2018' && ch <= '\u201B')) out.append('\'');
            else if (ch >= '\u201C' && ch <= '\u201F') out.append('"');
            else out.append(ch);
        }
        return out.toString();
    }

    private static String removeControlChars(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(c -> !isControl(c)).forEach(out::appendCodePoint);
        return out.toString();
    }

    /** ftfy's CONTROL_CHARS: tab, LF, FF and CR survive (whitespace); C1 controls were mapped above. */
    private static boolean isControl(int c) {
        return (c >= 0x00 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }
}
