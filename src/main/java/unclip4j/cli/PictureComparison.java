package unclip4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import unclip4j.image.Images;
import unclip4j.image.RgbImage;

/**
 * How a rerun's PNG compares with the one the run wrote: the same bytes (same SHA-256), or how many
 * 8-bit values differ and by how much at most, read from the recorded file while it is still the one
 * the manifest hashed.
 */
record PictureComparison(boolean identical, String summary) {
    static PictureComparison of(RecordedRun.RecordedFile recorded, Path rerun) {
        String sha = RunManifest.sha256(rerun);
        if (sha.equals(recorded.sha256())) return new PictureComparison(true, "identical to " + recorded.path());
        if (!Files.isRegularFile(recorded.path()) || !RunManifest.sha256(recorded.path()).equals(recorded.sha256())) {
            return new PictureComparison(false, "differs (SHA-256) from the recorded " + recorded.path()
                    + ", which is gone or changed, so its pixels cannot be compared");
        }
        try {
            return new PictureComparison(false, "differs from " + recorded.path() + ": " + pixels(Images.read(recorded.path()), Images.read(rerun)));
        } catch (IOException e) {
            return new PictureComparison(false, "differs (SHA-256) from " + recorded.path() + ", and cannot be read (" + e.getMessage() + ")");
        }
    }

    /** How many 8-bit values differ and by how much at most, or that the sizes differ. */
    static String pixels(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            return "its size " + b.width() + "×" + b.height() + " is not " + a.width() + "×" + a.height();
        }
        byte[] x = a.rgb(), y = b.rgb();
        int differing = 0, max = 0;
        for (int i = 0; i < x.length; i++) {
            int d = Math.abs((x[i] & 0xff) - (y[i] & 0xff));
            if (d != 0) differing++;
            max = Math.max(max, d);
        }
        return differing + " of " + x.length + " values, by at most " + max + "/255";
    }
}
