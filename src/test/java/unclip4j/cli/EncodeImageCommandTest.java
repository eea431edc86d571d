package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static unclip4j.cli.CliRunner.assertUserError;
import static unclip4j.cli.CliRunner.listing;
import static unclip4j.cli.CliRunner.run;
import static unclip4j.testing.TensorAssertions.assertRelL2;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.SafetensorsFile;
import unclip4j.testing.Fixtures;

/** {@code encode-image} against MANIFEST {@code clip_image}, and what it does with files that are not pictures. */
class EncodeImageCommandTest {
    private static final String MODEL = Fixtures.file("MANIFEST.md").getParent().toString();

    @TempDir
    Path tmp;

    @Test
    void reproducesKarlosPixelsAndImageEmbedding() {
        Path out = tmp.resolve("img.safetensors");
        CliRunner.Result r = run("encode-image", "--model", MODEL, "--image", Fixtures.file("input.png").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        SafetensorsFile golden = SafetensorsFile.open(Fixtures.file("clip_image.safetensors")), f = SafetensorsFile.open(out);
        assertRelL2(golden.get("pixels"), f.get("pixels"), 1e-6, "pixels");
        assertRelL2(golden.get("img_feat"), f.get("img_feat"), 1e-4, "img_feat");
        assertEquals("karlo", f.metadata().get("preprocess"));
    }

    @Test
    void clipPreprocessingCropsInsteadOfSquashing() {
        Path out = tmp.resolve("crop.safetensors");
        CliRunner.Result r = run("encode-image", "--model", MODEL, "--image", Fixtures.file("input.png").toString(),
                "--preprocess", "clip", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        SafetensorsFile f = SafetensorsFile.open(out);
        assertArrayEquals(new long[] {1, 3, 224, 224}, f.get("pixels").shape());
        assertArrayEquals(new long[] {1, 64}, f.get("img_feat").shape());
        assertEquals("clip", f.metadata().get("preprocess"));
    }

    @Test
    void corruptOrUnsupportedImagesAreOneLineErrorsWithoutOutput() throws Exception {
        Path truncated = tmp.resolve("truncated.png");
        byte[] png = Files.readAllBytes(Fixtures.file("input.png"));
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 3));
        Path text = Files.writeString(tmp.resolve("notes.png"), "not a picture");
        Path out = tmp.resolve("img.safetensors");
        for (Path bad : List.of(truncated, text, tmp.resolve("missing.png"))) {
            CliRunner.Result r = run("encode-image", "--model", MODEL, "--image", bad.toString(), "--out", out.toString());
            assertUserError(r, bad.toString());
            assertEquals(List.of("notes.png", "truncated.png"), listing(tmp));
        }
    }

    @Test
    void aPictureTooFarFromSquareIsRefusedNamingItsSize() throws Exception {
        // 1 × 800000: either preprocessing would make an image above Images.MAX_PIXELS (224 × 800000 or more)
        Path strip = tmp.resolve("strip.png");
        ImageIO.write(new BufferedImage(1, 800_000, BufferedImage.TYPE_3BYTE_BGR), "png", strip.toFile());
        for (String preprocess : List.of("karlo", "clip")) {
            CliRunner.Result r = run("encode-image", "--model", MODEL, "--image", strip.toString(), "--preprocess", preprocess,
                    "--out", tmp.resolve("strip.safetensors").toString());
            assertUserError(r, strip + " (1 × 800000 pixels) is too far from square", "crop it to a less extreme aspect ratio");
        }
        assertEquals(List.of("strip.png"), listing(tmp));
    }
}
