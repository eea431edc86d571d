package unclip4j.model.clip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer: a port of openai/CLIP {@code clip/simple_tokenizer.py}
 * ({@code SimpleTokenizer}) and Karlo's {@code CustomizedTokenizer.padded_tokens_and_mask}
 * (karlo/models/clip.py). Text clean-up, including what replaces ftfy, is {@link PromptCleaner}.
 *
 * <p>Vocabulary ({@code bpe_simple_vocab_16e6.txt.gz}): lines 2..48895 are the 48,894 merges
 * "a b", rank = line order. Ids: 0..255 the byte characters, 256..511 the same with "&lt;/w&gt;",
 * 512..49405 one per merge ("ab"), 49406 SOT, 49407 EOT. Example (spec §2):
 * "a photo of a cat" → 49406, 320, 1125, 539, 320, 2368, 49407.
 *
 * <p>Thread-safe; {@link #get()} loads the vocabulary once.
 */
public final class ClipTokenizer {
    public static final int SOT = 49406;
    public static final int EOT = 49407;
    public static final int VOCAB_SIZE = 49408;
    /** Karlo pads with 0, the id of "!" (diffusers' Karlo tokenizer sets pad_token="!" too). */
    public static final int KARLO_PAD = 0;

    private static final String END_OF_WORD = "</w>";
    private static final int MERGES = 49152 - 256 - 2;
    private static final int BPE_CACHE_SIZE = 10_000;

    /** simple_tokenizer's {@code pat}; UNICODE_CHARACTER_CLASS makes \s Unicode as in Python's regex module. */
    private static final Pattern WORD = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

    private final char[] byteEncoder = bytesToUnicode();
    private final int[] byteDecoder = new int[512];          // byte character → byte
    private final Map<String, Integer> encoder = new HashMap<>(2 * VOCAB_SIZE);
    private final String[] decoder = new String[VOCAB_SIZE];
    private final Map<String, Integer> bpeRanks = new HashMap<>(2 * MERGES); // "a b" → rank
    private final Map<String, int[]> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > BPE_CACHE_SIZE;
        }
    });

    private ClipTokenizer(List<String> merges) {
        List<String> vocab = new ArrayList<>(VOCAB_SIZE);
        char[] byteCharacters = byteCharactersInIdOrder();
        for (char c : byteCharacters) vocab.add(String.valueOf(c));
        for (char c : byteCharacters) vocab.add(c + END_OF_WORD);
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank).split(" ");
            bpeRanks.put(pair[0] + " " + pair[1], rank);
            vocab.add(pair[0] + pair[1]);
        }
        vocab.add("<|startoftext|>");
        vocab.add("<|endoftext|>");
        for (int id = 0; id < vocab.size(); id++) {
            encoder.put(vocab.get(id), id);
            decoder[id] = vocab.get(id);
        }
        for (int b = 0; b < 256; b++) byteDecoder[byteEncoder[b]] = b;
    }

    /** The tokenizer with CLIP's vocabulary (loaded on first call). */
    public static ClipTokenizer get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ClipTokenizer INSTANCE = new ClipTokenizer(readMerges());

        private static List<String> readMerges() {
            String resource = "/unclip4j/vocab/bpe_simple_vocab_16e6.txt.gz";
            try (InputStream in = ClipTokenizer.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing resource " + resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
                r.readLine(); // header: "#version: 0.2"
                List<String> merges = new ArrayList<>(MERGES);
                while (merges.size() < MERGES) merges.add(r.readLine());
                return merges;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
    }

    /**
     * {@code bytes_to_unicode()}: printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
     * themselves; the other 68 bytes, in increasing order, get U+0100, U+0101, ... so that no
     * byte is whitespace or a control character.
     */
    private static char[] bytesToUnicode() {
        char[] table = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) table[b] = isPrintable(b) ? (char) b : (char) (256 + n++);
        return table;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The byte characters in id order, Python's {@code bytes_to_unicode().values()}: printable bytes first. */
    private char[] byteCharactersInIdOrder() {
        StringBuilder chars = new StringBuilder(256);
        for (int b = 0; b < 256; b++) if (isPrintable(b)) chars.append(byteEncoder[b]);
        for (int b = 0; b < 256; b++) if (!isPrintable(b)) chars.append(byteEncoder[b]);
        return chars.toString().toCharArray();
    }

    /** BPE ids of a prompt, without SOT and EOT ({@code SimpleTokenizer.encode}). */
    public int[] encode(String text) {
        IntList ids = new IntList();
        Matcher m = WORD.matcher(PromptCleaner.clean(text));
        while (m.find()) {
            String word = m.group();
            switch (word) {
                case "<|startoftext|>" -> ids.add(SOT);
                case "<|endoftext|>" -> ids.add(EOT);
                default -> ids.addAll(bpe(toByteCharacters(word)));
            }
        }
        return ids.toArray();
    }

    /** The vocabulary string of an id, e.g. 2368 → "cat&lt;/w&gt;". */
    public String token(int id) {
        checkId(id);
        return decoder[id];
    }

    /**
     * Text of a list of ids ({@code SimpleTokenizer.decode}): bytes decoded as UTF-8 with U+FFFD for
     * broken sequences, every "&lt;/w&gt;" a space. SOT/EOT come out literally, padding 0 as "!".
     */
    public String decode(int... ids) {
        StringBuilder chars = new StringBuilder();
        for (int id : ids) chars.append(token(id));
        byte[] bytes = new byte[chars.length()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) byteDecoder[chars.charAt(i)];
        return new String(bytes, StandardCharsets.UTF_8).replace(END_OF_WORD, " ");
    }

    /**
     * Karlo's {@code padded_tokens_and_mask(texts, text_ctx)}: [SOT] + BPE + [EOT] padded with 0;
     * a row longer than {@code textCtx} keeps its first {@code textCtx} tokens with the last set to EOT.
     */
    public TokenizedBatch paddedTokensAndMask(List<String> texts, int textCtx) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no prompts to tokenize");
        if (textCtx < 2) throw new IllegalArgumentException("a row needs room for SOT and EOT, got length " + textCtx);
        int b = texts.size();
        int[][] tokens = new int[b][textCtx];
        boolean[][] mask = new boolean[b][textCtx];
        int[] lengths = new int[b];
        boolean[] truncated = new boolean[b];
        for (int i = 0; i < b; i++) {
            int[] bpe = encode(texts.get(i));
            lengths[i] = bpe.length + 2;
            truncated[i] = lengths[i] > textCtx;
            int kept = Math.min(lengths[i], textCtx);
            Arrays.fill(tokens[i], KARLO_PAD);
            tokens[i][0] = SOT;
            System.arraycopy(bpe, 0, tokens[i], 1, kept - 2);
            tokens[i][kept - 1] = EOT;
            Arrays.fill(mask[i], 0, kept, true);
        }
        return new TokenizedBatch(tokens, mask, lengths, truncated);
    }

    /** A word's UTF-8 bytes as byte characters. */
    private String toByteCharacters(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder(utf8.length);
        for (byte b : utf8) s.append(byteEncoder[b & 0xFF]);
        return s.toString();
    }

    /** {@code SimpleTokenizer.bpe} for one word of byte characters, as ids. */
    private int[] bpe(String token) {
        int[] cached = cache.get(token);
        if (cached != null) return cached;

        // symbols: one per byte character, the last one marked as the end of the word
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) word.add(String.valueOf(token.charAt(i)));
        word.add(token.charAt(token.length() - 1) + END_OF_WORD);

        while (word.size() > 1) {
            // the adjacent pair with the lowest merge rank
            int bestRank = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = bpeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            // merge every occurrence of that pair, left to right
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }

        int[] ids = word.stream().mapToInt(encoder::get).toArray();
        cache.put(token, ids);
        return ids;
    }

    private static void checkId(int id) {
        if (id < 0 || id >= VOCAB_SIZE) throw new IllegalArgumentException("token id " + id + " is outside 0.." + (VOCAB_SIZE - 1));
    }

    /** A growable int array, to avoid boxing every id. */
    private static final class IntList {
        private int[] data = new int[32];
        private int size;

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, 2 * size);
            data[size++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) add(v);
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
