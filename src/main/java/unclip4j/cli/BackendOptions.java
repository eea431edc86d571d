package unclip4j.cli;

import java.util.Locale;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.backend.Backends;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.kernel.KernelChoice;

/**
 * {@code --device cpu|cuda|reference}, {@code --kernel family=variant,...} (CUDA) and {@code --cpu-conv}
 * (CPU), shared by every command that computes.
 */
public final class BackendOptions {
    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu (Vector API, all cores), cuda, or reference (the slow double-precision oracle). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--kernel", paramLabel = "FAMILY=VARIANT[,...]",
            description = "CUDA kernel variants for the whole run, e.g. gemm=library,conv2d=v2 (see `bench kernels --list`), "
                    + "or a library variant alone for every family that has it: library_tf32 (the fastest measured) means "
                    + "gemm=library_tf32,conv2d=library_tf32; families not named run their default. Picture commands record it in their manifest.")
    String kernel;

    @Option(names = "--cpu-conv", paramLabel = "ALGORITHM",
            description = "how the CPU computes 3×3 convolutions: auto (Winograd F(4×4) or F(2×2) where measured faster, "
                    + "else im2col), im2col, winograd_f2 or winograd_f4. Default: -Dunclip4j.cpu.conv, else auto. "
                    + "Picture commands record it in their manifest (in the backend's name).")
    String cpuConv;

    /** The values and how they combine, checked without opening anything: before a run reads (and hashes) its model. */
    public void check() {
        Backends.requireKnown(device);
        if (kernel != null && !isCuda()) throw new IllegalArgumentException("--kernel chooses CUDA kernels; it needs --device cuda");
        kernels();
        if (cpuConv == null) return;
        if (!device.equalsIgnoreCase("cpu")) throw new IllegalArgumentException("--cpu-conv chooses the CPU's convolutions; it needs --device cpu");
        ConvAlgorithm.parse(cpuConv);
    }

    public Backend open() {
        check();
        return Backends.open(device, kernels(), cpuConv == null ? null : ConvAlgorithm.parse(cpuConv));
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
