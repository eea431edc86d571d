package unclip4j.cli;

import java.io.PrintWriter;
import java.util.List;
import unclip4j.model.clip.ClipTokenizer;
import unclip4j.model.clip.TokenizedBatch;

/** Karlo cuts long prompts silently (first tokens, then EOT in the last slot); the CLI says so, per prompt. */
final class PromptTruncation {
    private static final int EXCERPT = 40;

    private PromptTruncation() {}

    /** One warning line for each prompt that CLIP's context of the given length truncates (tokenizing only). */
    static void warn(PrintWriter err, List<String> prompts, int contextLength) {
        warn(err, prompts, ClipTokenizer.get().paddedTokensAndMask(prompts, contextLength));
    }

    /** One warning line for each prompt whose token row (row i of tokens for prompt i) was truncated. */
    static void warn(PrintWriter err, List<String> prompts, TokenizedBatch tokens) {
        int context = tokens.tokens()[0].length;
        for (int i = 0; i < prompts.size(); i++) {
            if (!tokens.truncated()[i]) continue;
            err.printf("warning: prompt %d (\"%s\") has %d tokens with SOT and EOT but CLIP reads %d: truncated, last token set to EOT%n",
                    i, excerpt(prompts.get(i)), tokens.lengths()[i], context);
        }
    }

    private static String excerpt(String prompt) {
        String oneLine = Printable.of(prompt.replaceAll("\\s+", " ").strip());
        return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
    }
}
