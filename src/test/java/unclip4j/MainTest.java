package unclip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import unclip4j.testing.ChildCli;

class MainTest {
    /** A German locale writes 0,5: the CLI prints numbers as scripts and other machines read them, whatever the user's locale. */
    @Test
    void numbersArePrintedTheSameInEveryLocale() throws Exception {
        Process p = new ProcessBuilder(ChildCli.command(List.of("-Duser.language=de", "-Duser.country=DE"), "schedule", "--respacing", "2"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("   0     0  4.12842e-05     0.999959    10.095"), out);
    }
}
