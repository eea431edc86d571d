package unclip4j.model.clip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (CPython 3.11 {@code Lib/html/__init__.py}), which CLIP's
 * {@code basic_clean} applies twice.
 *
 * <p>Coverage is complete: all 2,231 HTML5 named references (the WHATWG list, copied from
 * Python's {@code html.entities.html5} into {@code html5_entities.tsv}), the 106 legacy names
 * that also work without ';' (longest-prefix rule: "&amp;ampfoo" → "&amp;foo"), decimal and hex
 * numeric references with Python's replacements for invalid ones (0 and surrogates and values
 * above U+10FFFF → U+FFFD, 0x80–0x9F → Windows-1252, noncharacters and most controls → removed).
 */
public final class HtmlUnescape {
    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private HtmlUnescape() {}

    /** Replaces every character reference in {@code s}, exactly as {@code html.unescape(s)}. */
    public static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The character a C1 control (0x80–0x9F) stands for in Windows-1252, as browsers read it;
     * the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they
     * are. Shared with ftfy's {@code fix_c1_controls} ({@link PromptCleaner}).
     */
    static String c1AsWindows1252(int c) {
        String s = new String(new byte[] {(byte) c}, WINDOWS_1252);
        return s.equals("\uFFFD") ? Character.toString(c) : s;
    }

    private static String replace(String ref) {
        if (ref.charAt(0) == '#') return numeric(ref);
        Map<String, String> names = Names.TABLE;
        String whole = names.get(ref);
        if (whole != null) return whole;
        // the longest name that prefixes the reference; only the legacy names lack a ';' and can match
        for (int x = ref.length() - 1; x > 1; x--) {
            String hit = names.get(ref.substring(0, x));
            if (hit != null) return hit + ref.substring(x);
        }
        return "&" + ref;
    }

    private static String numeric(String ref) {
        boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
        String digits = ref.substring(hex ? 2 : 1, ref.endsWith(";") ? ref.length() - 1 : ref.length());
        BigInteger big = new BigInteger(digits, hex ? 16 : 10);
        int num = big.bitLength() > 31 ? Integer.MAX_VALUE : big.intValue();
        if (num == 0) return "\uFFFD";
        if (num == 0x0D) return "\r";
        if (num >= 0x80 && num <= 0x9F) return c1AsWindows1252(num);
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return "\uFFFD";
        if (isInvalidCodePoint(num)) return "";
        return Character.toString(num);
    }

    /** Python's {@code _invalid_codepoints}: controls other than tab/LF/FF/CR, and noncharacters. */
    private static boolean isInvalidCodePoint(int c) {
        return (c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    }

    /** The named references, loaded on first use. */
    private static final class Names {
        static final Map<String, String> TABLE = load();

        private static Map<String, String> load() {
            Map<String, String> table = new HashMap<>(4096);
            try (InputStream in = HtmlUnescape.class.getResourceAsStream("html5_entities.tsv");
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("#")) continue;
                    String[] nameAndCodes = line.split("\t");
                    StringBuilder value = new StringBuilder();
                    for (String hex : nameAndCodes[1].split(" ")) value.appendCodePoint(Integer.parseInt(hex, 16));
                    table.put(nameAndCodes[0], value.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read html5_entities.tsv", e);
            }
            return table;
        }
    }
}
