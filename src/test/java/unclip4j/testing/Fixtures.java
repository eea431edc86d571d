package unclip4j.testing;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.checkpoint.Checkpoints;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.SafetensorsWriter;
import unclip4j.checkpoint.StateDict;

/** The karlo-tiny fixtures on the test class path, and the backends parity tests run on. */
public final class Fixtures {
    private Fixtures() {}

    /** {@code src/test/resources/fixtures/karlo-tiny/<name>}. */
    public static Path file(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/karlo-tiny/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture " + name + " is not on the test class path", e);
        }
    }

    /** The fixture directory as a model directory; it holds two priors, so the fp32 one is chosen explicitly. */
    public static ModelDirectory modelDirectory() {
        return ModelDirectory.open(file("MANIFEST.md").getParent(), Map.of(ModelDirectory.Part.PRIOR, file("prior-tiny.ckpt")));
    }

    /**
     * A one-layer prior (the tiny prior's layer 1 dropped) as folder/prior.safetensors, with its own
     * prior.yaml beside it, as a fine-tuned or cut-down prior is kept; returns the safetensors file.
     */
    public static Path oneLayerPrior(Path folder) throws IOException {
        Files.createDirectories(folder);
        StateDict sd = Checkpoints.read(file("prior-tiny.ckpt")).rename(k -> k.contains(".resblocks.1.") ? null : k);
        SafetensorsWriter.write(folder.resolve("prior.safetensors"), sd, Map.of());
        Files.writeString(folder.resolve("prior.yaml"), Files.readString(file("prior.yaml")).replace("xf_layers: 2", "xf_layers: 1"));
        return folder.resolve("prior.safetensors");
    }

    /** Every backend a parity test runs on: {@code @MethodSource("unclip4j.testing.Fixtures#backends")}. */
    public static Stream<Backend> backends() {
        return Stream.of(new ReferenceOps(), new CpuBackend());
    }
}
