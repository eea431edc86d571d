package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingOutputsTest {
    @TempDir
    Path tmp;

    @Test
    void filesWithoutTheirManifestGoThoseCommittedStay() throws IOException {
        Path picture = Files.writeString(tmp.resolve("a.png"), "png"), noise = Files.writeString(tmp.resolve("n.safetensors"), "noise");
        try (PendingOutputs pending = new PendingOutputs()) {
            pending.add(List.of(picture, noise));
        }
        assertFalse(Files.exists(picture) || Files.exists(noise), "a run that stopped before its manifest leaves nothing");

        Path kept = Files.writeString(tmp.resolve("b.png"), "png");
        try (PendingOutputs pending = new PendingOutputs()) {
            pending.add(List.of(kept));
            pending.commit();
        }
        assertTrue(Files.exists(kept));
    }
}
