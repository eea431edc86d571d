package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import unclip4j.Main;

/** Every command's --help renders cleanly: picocli treats descriptions as format strings, so a bare '%' breaks them. */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutPicocliWarnings() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        PrintStream saved = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            for (CommandLine c : all) assertTrue(c.getUsageMessage().contains("Usage:"), c.getCommandName());
        } finally {
            System.setErr(saved);
        }
        assertTrue(all.size() > 15, "commands found: " + all.size());
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }
}
