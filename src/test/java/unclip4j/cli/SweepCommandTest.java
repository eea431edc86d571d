package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.testing.Fixtures;
import unclip4j.trace.LabelledGrid;

class SweepCommandTest {
    @TempDir
    Path tmp;

    @Test
    void gridHasOneCellPerGuidancePairFromTheSameNoise() throws IOException {
        Path out = tmp.resolve("grid.png");
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "a red cube", "--prior-guidance", "4",
                "--decoder-guidance", "8,8", "--out", out.toString(), "--seed", "3", "--prior-steps", "5", "--decoder-steps", "5");
        assertEquals(0, r.code(), r.err());
        BufferedImage grid = ImageIO.read(out.toFile());
        int cell = 64; // the embedded model's SR output
        assertEquals(LabelledGrid.LEFT + 2 * cell, grid.getWidth());
        assertEquals(LabelledGrid.TOP + cell, grid.getHeight());
        assertTrue(r.out().contains("1×2 cells of 64 px, seed 3"), r.out());
        // both cells share every setting, so the replayed noise must give the same picture, bit for bit
        assertArrayEquals(cell(grid, 0, 0, cell), cell(grid, 0, 1, cell));
    }

    @Test
    void runsOnTheFixtureModel() throws IOException {
        Path out = tmp.resolve("fixture.png");
        Path dir = Fixtures.file("MANIFEST.md").getParent();
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "a red cube", "--prior-guidance", "4",
                "--decoder-guidance", "8", "--out", out.toString(), "--model", dir.toString(), "--prior-steps", "3", "--decoder-steps", "3",
                "--prior", Fixtures.file("prior-tiny.ckpt").toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage grid = ImageIO.read(out.toFile());
        assertEquals(LabelledGrid.LEFT + 64, grid.getWidth());
        assertEquals(LabelledGrid.TOP + 64, grid.getHeight());
    }

    @Test
    void badGuidanceIsAOneLineError() {
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "x", "--prior-guidance", "-1", "--out", tmp.resolve("g.png").toString());
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void refusesToOverwriteBeforeLoadingAnything() throws IOException {
        Path out = java.nio.file.Files.writeString(tmp.resolve("taken.png"), "x");
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "x", "--out", out.toString(), "--model", tmp.resolve("nowhere").toString());
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("exists; use --force to overwrite"), r.err());
    }

    /** The grid's manifest records what redo needs, and redo draws the same grid from it, bit for bit. */
    @Test
    void aManifestBesideTheGridLetsRedoDrawItAgain() throws IOException {
        Path out = tmp.resolve("grid.png");
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "a red cube", "--prior-guidance", "4", "--decoder-guidance", "1,8",
                "--prior-steps", "3", "--decoder-steps", "ddim3", "--dtype", "f16", "--seed", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("grid.json").toFile());
        assertEquals("sweep", m.get("command").asText());
        assertEquals("3", m.get("steps").get("prior").asText());
        assertEquals("ddim3", m.get("steps").get("decoder").asText());
        assertEquals("[1.0,8.0]", m.get("guidance").get("decoder").toString());
        assertEquals("f16", m.get("dtype").asText());
        assertEquals(5, m.get("noise").get("seed").asLong());
        assertEquals(out.toString(), m.get("outputs").get(0).get("path").asText());
        assertTrue(m.get("argv").toString().contains("\"--decoder-guidance=1,8\""), m.get("argv").toString());

        CliRunner.Result same = CliRunner.run("redo", tmp.resolve("grid.json").toString(), "--out", tmp.resolve("again.png").toString(), "--check");
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().contains("check: 1 of 1 PNG(s) identical"), same.out());
        CliRunner.Result swapped = CliRunner.run("redo", tmp.resolve("grid.json").toString(), "--out", tmp.resolve("swapped.png").toString(),
                "--check", "--", "--decoder-guidance", "8,1");
        assertEquals(RedoCommand.DIFFERS, swapped.code(), swapped.out() + swapped.err());
        CliRunner.assertUserError(CliRunner.run("redo", tmp.resolve("grid.json").toString(), "--out", tmp.resolve("x.png").toString(),
                "--drop", "prompt"), "--drop prompt: sweep needs --prompt; give another value after -- instead");
    }

    /** Every cell's scales are checked before the model loads: the last one being bad costs no drawing. */
    @Test
    void aBadScaleInTheLastCellIsRefusedBeforeTheFirstIsDrawn() {
        Path out = tmp.resolve("g.png");
        CliRunner.Result r = CliRunner.run("sweep", "--prompt", "x", "--decoder-guidance", "4,8,NaN", "--out", out.toString());
        assertEquals(Cli.USAGE_ERROR, r.code());
        assertEquals("error: decoder guidance must be a finite number >= 0, got NaN", r.err().strip());
        assertFalse(r.out().contains("done"), r.out());
        assertFalse(java.nio.file.Files.exists(out));
    }

    private static int[] cell(BufferedImage grid, int row, int col, int size) {
        return grid.getRGB(LabelledGrid.LEFT + col * size, LabelledGrid.TOP + row * size, size, size, null, 0, size);
    }
}
