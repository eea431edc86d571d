package unclip4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --prompt-file FILE}: UTF-8 text, one prompt per line (stripped); blank lines are skipped, control characters other than whitespace refused. */
final class PromptFile {
    /** Far above any caption set (COCO's 5k captions are ~300 KB), and small enough to read whole. */
    static final long MAX_BYTES = 64L << 20;

    private PromptFile() {}

    /**
     * Control characters that are whitespace (tab, form feed, U+001C..1F, NEL) become spaces, as CLIP's
     * whitespace cleaning makes them; any other is refused, naming the line: a NUL is the mark of
     * UTF-16 read as UTF-8 (every other byte of ASCII text is zero), which would otherwise become
     * prompts like "a\u0000 \u0000p\u0000h...".
     */
    private static String cleaned(Path file, int lineNumber, String line) {
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!Character.isISOControl(c)) {
                out.append(c);
            } else if (Character.isWhitespace(c) || c == '\u0085') {
                out.append(' ');
            } else {
                throw new IllegalArgumentException(String.format("--prompt-file %s line %d holds the control character U+%04X%s", file, lineNumber,
                        (int) c, c == 0 ? " (UTF-16 text? convert it: iconv -f UTF-16 -t UTF-8)" : ""));
            }
        }
        return out.toString();
    }

    /** Blank as CLIP's whitespace cleaning sees it: no-break spaces too, which String.strip keeps. */
    private static boolean isBlank(String line) {
        return line.chars().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    static List<String> read(Path file) {
        try {
            if (Files.isDirectory(file)) throw new IllegalArgumentException("--prompt-file " + file + " is a directory, not a text file");
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                // a pipe blocks until written and /dev/zero never ends; a run's prompts are also hashed and recorded
                throw new IllegalArgumentException("--prompt-file " + file + " is not a regular file (a pipe or device?); write the prompts to a file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new IllegalArgumentException("--prompt-file " + file + " has " + size + " bytes; at most " + MAX_BYTES + " are read");
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            List<String> prompts = new ArrayList<>();
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                // a byte-order mark is not part of a prompt: files joined with cat carry one per file
                String line = cleaned(file, i + 1, lines.get(i).replace("\uFEFF", "")).strip();
                if (!isBlank(line)) prompts.add(line);
            }
            if (prompts.isEmpty()) throw new IllegalArgumentException("--prompt-file " + file + " holds no prompt (one per line)");
            return prompts;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--prompt-file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--prompt-file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --prompt-file " + file + ": " + e.getMessage());
        }
    }
}
