package unclip4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import unclip4j.testing.ChildCli;

class MainTest {
    /** A German locale writes 0,5: the CLI prints numbers as scripts and other machines read them, whatever the user's locale. */
    @Test
    void numbersArePrintedTheSameInEveryLocale() throws Exception {
        ChildCli.Run r = ChildCli.run(ChildCli.command(List.of("-Duser.language=de", "-Duser.country=DE"), "schedule", "--respacing", "2"),
                Path.of("").toAbsolutePath(), Map.of());
        ChildCli.assertExit(0, r);
        assertTrue(r.out().contains("   0     0  4.12842e-05     0.999959    10.095"), r.out());
    }
}
