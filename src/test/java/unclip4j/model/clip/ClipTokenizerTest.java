package unclip4j.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

class ClipTokenizerTest {
    private static final ClipTokenizer TOKENIZER = ClipTokenizer.get();
    /** Karlo's text_ctx. */
    private static final int TEXT_CTX = 77;

    /** fixtures/karlo-tiny/tokenizer.json (MANIFEST.md "tokenizer.json", convention 2): every case, exactly. */
    static Stream<Arguments> fixtureCases() throws IOException {
        try (InputStream in = ClipTokenizerTest.class.getResourceAsStream("/fixtures/karlo-tiny/tokenizer.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            assertEquals(TEXT_CTX, root.get("text_ctx").asInt());
            assertEquals(ClipTokenizer.SOT, root.get("sot").asInt());
            assertEquals(ClipTokenizer.EOT, root.get("eot").asInt());
            assertEquals(ClipTokenizer.KARLO_PAD, root.get("pad").asInt());
            List<Arguments> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) cases.add(Arguments.of(cases.size(), c));
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("fixtureCases")
    void matchesKarloFixture(int index, JsonNode c) {
        String prompt = c.get("prompt").asText();
        assertEquals(c.get("cleaned").asText(), PromptCleaner.clean(prompt));

        int[] bpe = TOKENIZER.encode(prompt);
        assertArrayEquals(ints(c.get("bpe")), bpe);
        for (int i = 0; i < bpe.length; i++) assertEquals(c.get("bpe_strings").get(i).asText(), TOKENIZER.token(bpe[i]));

        TokenizedBatch batch = TOKENIZER.paddedTokensAndMask(List.of(prompt), TEXT_CTX);
        assertArrayEquals(ints(c.get("tokens")), batch.tokens()[0]);
        boolean[] mask = new boolean[TEXT_CTX];
        for (int i = 0; i < mask.length; i++) mask[i] = c.get("mask").get(i).asBoolean();
        assertArrayEquals(mask, batch.mask()[0]);
        assertEquals(c.get("n_tokens").asInt(), batch.lengths()[0]);
        assertEquals(c.get("truncated").asBoolean(), batch.truncated()[0]);
    }

    @Test
    void specSection2Vectors() {
        assertArrayEquals(new int[] {49406, 49407}, row(""));
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407}, row("a photo of a cat"));
        assertArrayEquals(new int[] {49406, 320, 786, 593, 320, 1710, 539, 14135, 267, 530, 518, 3610, 1844, 539, 12597,
                577, 22037, 756, 269, 49407}, row("A man with a face of avocado, in the drawing style of Rene Magritte."));
        assertArrayEquals(new int[] {49406, 3306, 748, 1002, 568, 273, 271, 273, 275, 1097, 35689, 563, 15304, 49407},
                row("Hello!!  world's 2024 naïve café"));
    }

    @Test
    void emptyPromptIsSotEotThenPadding() {
        TokenizedBatch b = TOKENIZER.paddedTokensAndMask(List.of(""), 77);
        int[] expected = new int[77];
        expected[0] = ClipTokenizer.SOT;
        expected[1] = ClipTokenizer.EOT;
        assertArrayEquals(expected, b.tokens()[0]);
        assertTrue(b.mask()[0][0] && b.mask()[0][1] && !b.mask()[0][2]);
        assertFalse(b.truncated()[0]);
        assertArrayEquals(new int[0], TOKENIZER.encode("   \t\n "));
    }

    @Test
    void thousandWordPromptIsTruncatedAndReported() {
        String prompt = String.join(" ", Collections.nCopies(1000, "word"));
        TokenizedBatch b = TOKENIZER.paddedTokensAndMask(List.of("a cat", prompt), 77);
        assertFalse(b.truncated()[0]);
        assertTrue(b.truncated()[1]);
        assertEquals(1002, b.lengths()[1]);
        assertEquals(ClipTokenizer.SOT, b.tokens()[1][0]);
        assertEquals(ClipTokenizer.EOT, b.tokens()[1][76]);
        for (int i = 1; i < 76; i++) assertEquals(2653, b.tokens()[1][i]); // "word</w>"
        for (boolean m : b.mask()[1]) assertTrue(m);
    }

    @Test
    void tensorsHaveKarloShapesAndDtypes() {
        TokenizedBatch b = TOKENIZER.paddedTokensAndMask(List.of("a photo of a cat", ""), 77);
        Tensor tokens = b.tokensTensor();
        Tensor mask = b.maskTensor();
        assertEquals(DType.I32, tokens.dtype());
        assertEquals(DType.BOOL, mask.dtype());
        assertArrayEquals(new long[] {2, 77}, tokens.shape());
        assertEquals(2368, tokens.getLong(0, 5));
        assertEquals(ClipTokenizer.EOT, tokens.getLong(1, 1));
        assertEquals(1, mask.getLong(0, 6));
        assertEquals(0, mask.getLong(0, 7));
    }

    /**
     * Non-ASCII prompts against the real reference: openai/CLIP simple_tokenizer.py (d05afc4) with
     * ftfy 6.3.1 (not the fixtures' identity stub), regex 2026.5.9, CPython 3.11.7.
     */
    static Stream<Arguments> realFtfyCases() {
        return Stream.of(
                Arguments.of("naïve café", "naïve café", new int[] {1097, 35689, 563, 15304}),
                Arguments.of("一只可爱的猫 在草地上", "一只可爱的猫 在草地上", new int[] {19759, 222, 34517, 103, 34517, 107, 163, 230,
                        109, 163, 248, 226, 163, 234, 360, 37746, 101, 164, 235, 231, 37746, 108, 19759, 488}),
                Arguments.of("🐱 cat emoji 👍🏽", "🐱 cat emoji 👍🏽", new int[] {22979, 2368, 16327, 43722}),
                Arguments.of("“curly” ‘quotes’ don’t", "\"curly\" 'quotes' don't", new int[] {257, 20795, 257, 262, 5808, 262, 847, 713}),
                Arguments.of("ﬁne ﬂowers ĳssel", "fine flowers ijssel", new int[] {3797, 4023, 7337, 19373}),
                Arguments.of("ＦＵＬＬ　ｗｉｄｔｈ！ １２３", "full width! 123", new int[] {1476, 23571, 256, 272, 273, 274}),
                Arguments.of("tab\tand\u00a0nbsp\u2003em\u3000ideo", "tab and nbsp em ideo", new int[] {14724, 537, 6459, 4393, 2270, 1909, 334}),
                Arguments.of("ctrl\u0007chars\u001b[31mred\u001b[0m\u200b", "ctrlcharsred\u200b", new int[] {35602, 75, 1054, 82, 736, 9844}),
                Arguments.of("İstanbul ΟΔΟΣ Straße", "i\u0307stanbul οδος straße", new int[] {328, 16384, 11231, 138, 123, 138, 112, 138, 123,
                        139, 480, 1894, 127, 253, 324}),
                Arguments.of("&lt;b&gt; &amp;amp; &#x1F600; &eacute;t&eacute; &copy2024 &#150; &notit;", "<b> & 😀 été ©2024 – ¬it;",
                        new int[] {283, 321, 285, 261, 7334, 3459, 39694, 5811, 273, 271, 273, 275, 1224, 126, 361, 585, 282}),
                Arguments.of("<|startoftext|>Hi<|ENDOFTEXT|>", "<|startoftext|>hi<|endoftext|>", new int[] {49406, 1883, 49407}),
                Arguments.of("e\u0301le\u0301phant", "éléphant", new int[] {3459, 39641, 745, 773}),
                Arguments.of("Ünïcödé ΜΕΓΑΛΟ Привет мир", "ünïcödé μεγαλο привет мир", new int[] {6522, 77, 35689, 66, 7255, 67, 4166,
                        138, 120, 138, 113, 138, 111, 138, 109, 138, 119, 138, 379, 26302, 16370, 29503, 110, 22176, 141, 480, 38018,
                        16701, 141, 478}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFtfyCases")
    void nonAsciiMatchesReferenceAndRoundTrips(String prompt, String cleaned, int[] ids) {
        assertEquals(cleaned, PromptCleaner.clean(prompt));
        assertArrayEquals(ids, TOKENIZER.encode(prompt));
        // decode puts a space after every word; without spaces it gives back the cleaned text
        assertEquals(cleaned.replace(" ", ""), TOKENIZER.decode(ids).replace(" ", ""));
    }

    @Test
    void decodeMatchesReference() {
        assertEquals("a photo of a cat ", TOKENIZER.decode(320, 1125, 539, 320, 2368));
        assertEquals("<|startoftext|>hi <|endoftext|>!!", TOKENIZER.decode(49406, 1883, 49407, 0, 0));
        assertEquals("\uFFFD", TOKENIZER.decode(163)); // a lone UTF-8 lead byte
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.decode(ClipTokenizer.VOCAB_SIZE));
    }

    @Test
    void vocabularyLayout() {
        assertEquals("!", TOKENIZER.token(0));
        assertEquals("!</w>", TOKENIZER.token(256));
        assertEquals("Ā", TOKENIZER.token(188)); // byte 0, the first remapped byte, follows the 188 printable ones
        assertEquals("Ġ</w>", TOKENIZER.token(256 + 188 + 32)); // byte ' ' (0x20)
        assertEquals("<|startoftext|>", TOKENIZER.token(ClipTokenizer.SOT));
        assertEquals("<|endoftext|>", TOKENIZER.token(ClipTokenizer.EOT));
    }

    @Test
    void encodesConcurrentlyWithTheSharedCache() throws Exception {
        List<String> prompts = List.of("a photo of a cat", "naïve café", "一只可爱的猫", "supercalifragilisticexpialidocious");
        List<int[]> expected = prompts.stream().map(TOKENIZER::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!Arrays.equals(expected.get(i % 4), TOKENIZER.encode(prompts.get(i % 4)))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) assertTrue(r.get());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.paddedTokensAndMask(List.of(), 77));
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.paddedTokensAndMask(List.of("x"), 1));
    }

    private static int[] row(String prompt) {
        TokenizedBatch b = TOKENIZER.paddedTokensAndMask(List.of(prompt), 77);
        return Arrays.copyOf(b.tokens()[0], b.lengths()[0]);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
