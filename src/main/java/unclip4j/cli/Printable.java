package unclip4j.cli;

/**
 * Text from the user (prompts, paths) made safe to print on a terminal: control characters are
 * written as escapes, so a newline cannot forge a table row or split an error line, and an escape
 * sequence cannot repaint the screen.
 */
final class Printable {
    private Printable() {}

    static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
