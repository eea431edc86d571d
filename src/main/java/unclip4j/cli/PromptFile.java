package unclip4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** {@code --prompt-file FILE}: UTF-8 text, one prompt per line (stripped); blank lines are skipped. */
final class PromptFile {
    /** Far above any caption set (COCO's 5k captions are ~300 KB), and small enough to read whole. */
    static final long MAX_BYTES = 64L << 20;

    private PromptFile() {}

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
            if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark is not part of the first prompt
            List<String> prompts = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
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
