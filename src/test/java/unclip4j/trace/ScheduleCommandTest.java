package unclip4j.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.cli.CliRunner;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;

class ScheduleCommandTest {
    @TempDir
    Path tmp;

    @Test
    void plotsOpenAndCsvHoldsTheSchedulesValues() throws IOException {
        CliRunner.Result r = CliRunner.run("schedule", "--plot", tmp.toString(), "--respacing", "25");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("respacing \"25\": 25 steps"), r.out());
        for (String png : List.of("betas.png", "alpha_bar.png", "log_snr.png")) {
            assertNotNull(ImageIO.read(tmp.resolve(png).toFile()), png);
        }

        DiffusionSchedule cos = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "");
        DiffusionSchedule lin = DiffusionSchedule.create(BetaSchedule.LINEAR, 1000, "");
        List<String> rows = Files.readAllLines(tmp.resolve("schedule.csv"));
        assertEquals("t,squaredcos_cap_v2_beta,squaredcos_cap_v2_alpha_bar,squaredcos_cap_v2_log_snr,"
                + "linear_beta,linear_alpha_bar,linear_log_snr,kept", rows.get(0));
        assertEquals(1001, rows.size());
        int kept = 0;
        for (int t = 0; t < 1000; t++) {
            String[] v = rows.get(t + 1).split(",");
            assertEquals(t, Integer.parseInt(v[0]));
            assertEquals(cos.betas()[t], Double.parseDouble(v[1]));
            assertEquals(cos.alphasCumprod()[t], Double.parseDouble(v[2]));
            assertEquals(Math.log(cos.alphasCumprod()[t] / (1 - cos.alphasCumprod()[t])), Double.parseDouble(v[3]));
            assertEquals(lin.betas()[t], Double.parseDouble(v[4]));
            assertEquals(lin.alphasCumprod()[t], Double.parseDouble(v[5]));
            kept += Integer.parseInt(v[7]);
        }
        assertEquals(25, kept);

        CliRunner.Result again = CliRunner.run("schedule", "--plot", tmp.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("is not empty (use --force"), again.err());
        assertEquals(0, CliRunner.run("schedule", "--plot", tmp.toString(), "--force").code());

        DiffusionSchedule spaced = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, 1000, "25");
        List<String> respaced = Files.readAllLines(tmp.resolve("respaced.csv"));
        assertEquals(26, respaced.size());
        for (int k = 0; k < 25; k++) {
            String[] v = respaced.get(k + 1).split(",");
            assertEquals(spaced.timestepMap()[k], Long.parseLong(v[1]));
            assertEquals(spaced.betas()[k], Double.parseDouble(v[2]));
            assertEquals(spaced.alphasCumprod()[k], Double.parseDouble(v[3]));
        }
    }

    @Test
    void badRespacingIsAOneLineError() {
        CliRunner.Result r = CliRunner.run("schedule", "--respacing", "abc");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    /** "" would mean every step to the schedule; on a command line it is an unset shell variable, and hours of sampling. */
    @Test
    void emptyStepCountsAreRefusedNotReadAsEveryStep() {
        CliRunner.assertUserError(CliRunner.run("schedule", "--respacing="), "--respacing is empty; give N (1000 for every step)");
        CliRunner.assertUserError(CliRunner.run("generate", "--prompt", "x", "--decoder-steps", "", "--out", tmp.resolve("x.png").toString()),
                "--decoder-steps is empty; give N (1000 for every step) or ddimN");
        CliRunner.assertUserError(CliRunner.run("sweep", "--prompt", "x", "--prior-steps", " ", "--out", tmp.resolve("x.png").toString()),
                "--prior-steps is empty");
    }
}
