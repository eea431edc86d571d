package unclip4j.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.backend.cpu.ReferenceOps;
import unclip4j.checkpoint.ModelDirectory;

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

    /** Every backend a parity test runs on: {@code @MethodSource("unclip4j.testing.Fixtures#backends")}. */
    public static Stream<Backend> backends() {
        return Stream.of(new ReferenceOps(), new CpuBackend());
    }
}
