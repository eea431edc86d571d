package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                "--decoder-guidance", "8,8", "--out", out.toString(), "--seed", "3");
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
                "--decoder-guidance", "8", "--out", out.toString(), "--model", dir.toString(),
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

    private static int[] cell(BufferedImage grid, int row, int col, int size) {
        return grid.getRGB(LabelledGrid.LEFT + col * size, LabelledGrid.TOP + row * size, size, size, null, 0, size);
    }
}
