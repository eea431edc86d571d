package unclip4j.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The karlo-tiny fixtures on the test class path, and MANIFEST.md's appendix of checkpoint contents. */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/karlo-tiny/MANIFEST.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** One appendix row: "name  DTYPE  [d0, d1]". */
    public record Row(String name, String dtype, String shape) {}

    private static final Pattern SECTION = Pattern.compile("^### `([^`]+)` \\((\\d+) tensors\\)$");
    private static final Pattern ROW = Pattern.compile("^(\\S+)(?: \\(\\w+\\))?\\s+(\\w+)\\s+(\\[[^\\]]*\\])$");

    /** file name → rows, parsed from "## Appendix: checkpoint contents". Stats rows "[0] (mean)" become "0". */
    public static Map<String, List<Row>> appendix() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file("MANIFEST.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<Row>> out = new LinkedHashMap<>();
        boolean inAppendix = false;
        List<Row> current = null;
        for (String line : lines) {
            if (line.startsWith("## Appendix")) inAppendix = true;
            if (!inAppendix) continue;
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                current = new ArrayList<>();
                out.put(s.group(1), current);
                continue;
            }
            Matcher r = ROW.matcher(line.strip());
            if (current != null && r.matches()) {
                String name = r.group(1).replaceAll("^\\[(\\d+)\\]$", "$1");
                current.add(new Row(name, r.group(2), r.group(3)));
            }
        }
        return out;
    }
}
