package unclip4j.cli;

import java.util.Locale;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.backend.Backends;
import unclip4j.kernel.KernelChoice;

/** {@code --device cpu|cuda|reference} and {@code --kernel family=variant,...}, shared by every command that computes. */
public final class BackendOptions {
    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu (Vector API, all cores), cuda, or reference (the slow double-precision oracle). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--kernel", paramLabel = "FAMILY=VARIANT[,...]",
            description = "CUDA kernel variants for the whole run, e.g. gemm=library,conv2d=v2 (see `bench kernels --list`); "
                    + "families not named run their default. Recorded in the run manifest.")
    String kernel;

    public Backend open() {
        if (kernel != null && !isCuda()) throw new IllegalArgumentException("--kernel chooses CUDA kernels; it needs --device cuda");
        return Backends.open(device, kernels());
    }

    public String device() {
        return device;
    }

    public boolean isCuda() {
        return device.toLowerCase(Locale.ROOT).equals("cuda");
    }

    /** The kernel choice of this run (defaults and -Dunclip4j.kernel.* when --kernel is absent). */
    public KernelChoice kernels() {
        return KernelChoice.parse(kernel);
    }
}
