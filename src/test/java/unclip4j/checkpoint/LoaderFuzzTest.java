package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the fixture files (bit flips, overwritten bytes, truncation, copied spans) and loads
 * every tensor: the only acceptable failure is {@link CheckpointException}. Iterations per file
 * come from {@code -Dunclip4j.fuzz.iterations} (CI: a few seconds; tools/fuzz-loaders runs longer).
 */
class LoaderFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void mutatedCheckpointsOnlyEverThrowCheckpointException() {
        int iterations = Integer.getInteger("unclip4j.fuzz.iterations", 150);
        long seed = Long.getLong("unclip4j.fuzz.seed", 20221201L);
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, iterations / 2)), () -> {
            for (String name : new String[] {"ViT-tiny_stats.th", "prior-tiny-fp16.ckpt", "prior-tiny.ckpt", "decoder_forward.safetensors", "ViT-tiny.pt"}) {
                byte[] original = Files.readAllBytes(Fixtures.file(name));
                Random rnd = new Random(seed ^ name.hashCode());
                int n = name.endsWith(".pt") ? Math.max(1, iterations / 10) : iterations;
                for (int i = 0; i < n; i++) fuzzOnce(name, mutate(original, rnd, name.endsWith(".pt")), i);
            }
        });
    }

    private void fuzzOnce(String name, byte[] bytes, int i) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        try {
            StateDict sd = Checkpoints.read(f);
            for (String k : sd.keys()) sd.get(k).toDoubleArray();
        } catch (CheckpointException expected) {
            // the one allowed outcome for bad input
        } catch (Throwable t) {
            fail(name + " mutation " + i + " threw " + t, t);
        }
    }

    /** Mutations aimed where parsers look: the pickle and zip directory near the start and end, sizes, offsets. */
    private static byte[] mutate(byte[] original, Random rnd, boolean large) {
        byte[] b = original.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int region = rnd.nextInt(3);
            int pos = switch (region) {
                case 0 -> rnd.nextInt(Math.min(b.length, 8192));              // header / data.pkl
                case 1 -> b.length - 1 - rnd.nextInt(Math.min(b.length, 4096)); // zip central directory
                default -> rnd.nextInt(b.length);
            };
            switch (rnd.nextInt(large ? 3 : 4)) {
                case 0 -> b[pos] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[pos] = (byte) rnd.nextInt(256);
                case 2 -> {
                    int v = switch (rnd.nextInt(4)) { case 0 -> -1; case 1 -> 0x7fffffff; case 2 -> 0; default -> rnd.nextInt(); };
                    for (int k = 0; k < 4 && pos + k < b.length; k++) b[pos + k] = (byte) (v >>> (8 * k));
                }
                default -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            if (b.length == 0) break;
        }
        return b;
    }
}
