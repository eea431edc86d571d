package unclip4j.cli;

import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.backend.Backends;

/** {@code --device cpu|cuda|reference}, shared by every command that computes. */
public final class BackendOptions {
    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu (Vector API, all cores), cuda, or reference (the slow double-precision oracle). Default: ${DEFAULT-VALUE}.")
    String device;

    public Backend open() {
        return Backends.open(device);
    }

    public String device() {
        return device;
    }
}
