package unclip4j.cli;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import unclip4j.backend.cuda.Cuda;
import unclip4j.backend.cuda.CudaBackend;
import unclip4j.backend.cuda.PtxModules;
import unclip4j.kernel.KernelBench;
import unclip4j.kernel.KernelCatalog;
import unclip4j.kernel.KernelResources;
import unclip4j.kernel.KernelVariant;
import unclip4j.kernel.LaunchOverhead;

/** {@code unclip4j bench kernels}: check and time every CUDA kernel variant of an op at model shapes. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = {"Check every variant of a CUDA kernel family against ReferenceOps, then time it with CUDA events.",
                "--op launch instead measures what issuing work costs: an empty kernel through each launcher, tiny backend ops.",
                "Exit codes: 0 ok, 1 a variant failed its check, 2 no GPU or bad arguments."})
public final class KernelBenchCommand implements Callable<Integer> {

    @Option(names = "--op", description = "kernel family: ${COMPLETION-CANDIDATES}", completionCandidates = Families.class)
    String op;

    @Option(names = "--variant", description = "only this variant (v3, v3_regblock, library)")
    String variant;

    @Option(names = "--shape", split = ",", description = "one shape instead of the model's: gemm M,N,K; conv2d N,C,H,W,O,k; "
            + "attention B,H,Tq,Tk,D; group_norm N,C,H,W; layer_norm and softmax rows,D; unary and binary n")
    long[] shape;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed runs first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "50", description = "timed runs; the median is reported (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--list", description = "list every family and variant, then exit (no GPU needed)")
    boolean list;

    @Option(names = "--resources", description = "print what ptxas reported for every variant (registers, shared memory, stack, spills) "
            + "and the warps per SM its registers allow, then exit (no GPU needed)")
    boolean resources;

    @Option(names = "--arch", description = "with --resources: the cubin architecture, one of sm_80, sm_86, sm_89, sm_90 "
            + "(default sm_90, the H100/H200)")
    String arch;

    /** The --op that times the cost of issuing work (LaunchOverhead), not a kernel family. */
    private static final String LAUNCH = "launch";

    /** --op as a family of the catalog (what --list and --resources show). */
    private String checkedFamily() {
        KernelCatalog.variants(op);
        return op;
    }

    static final class Families implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            java.util.List<String> all = new java.util.ArrayList<>(KernelBench.FAMILIES);
            all.add(LAUNCH);
            return all.iterator();
        }
    }

    @Override
    public Integer call() {
        if (list) {
            for (String f : op == null || op.equals(LAUNCH) ? KernelCatalog.families() : List.of(checkedFamily())) {
                System.out.println(f);
                for (KernelVariant v : KernelCatalog.variants(f)) {
                    System.out.printf("  %-20s %s%s%n", v.id(), v.idea(), v.isDefault() ? "  (default)" : "");
                }
            }
            return 0;
        }
        if (resources) {
            printResources(op == null ? KernelCatalog.families() : List.of(op), arch == null ? "sm_90" : arch);
            return 0;
        }
        if (arch != null) throw new IllegalArgumentException("--arch chooses the cubins --resources reports on; it needs --resources");
        if (runs < 1 || warmup < 0) throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
        if (op != null && !op.equals(LAUNCH) && !KernelBench.FAMILIES.contains(op)) {
            throw new IllegalArgumentException("--op " + op + ": bench kernels times " + String.join(", ", KernelBench.FAMILIES) + " and " + LAUNCH);
        }
        if (op != null && variant != null && !op.equals(LAUNCH)) KernelCatalog.find(op, variant);
        if (!Cuda.available()) throw new IllegalStateException("bench kernels times kernels on a GPU: no GPU: " + Cuda.unavailableReason());
        boolean ok = true;
        try (CudaBackend gpu = CudaBackend.open()) {
            if (LAUNCH.equals(op)) {
                LaunchOverhead.run(gpu, System.out);
                return 0;
            }
            for (String f : op == null ? KernelBench.FAMILIES : List.of(op)) {
                ok &= KernelBench.run(gpu, f, variant, shape == null ? null : Arrays.copyOf(shape, shape.length), warmup, runs, System.out);
            }
        }
        return ok ? 0 : 1;
    }

    private void printResources(List<String> families, String arch) {
        PtxModules.Manifest built = PtxModules.manifest();
        if (built == null) throw new IllegalArgumentException("kernels were not built (no nvcc at build time): no ptxas report to show");
        // every argument checked before the table starts
        KernelResources.checkArch(arch);
        if (variant != null && op == null) throw new IllegalArgumentException("--variant names a variant of one family: give --op too");
        List<KernelVariant> variants = families.stream().flatMap(f -> variant == null ? KernelCatalog.variants(f).stream()
                : Stream.of(KernelCatalog.find(f, variant))).filter(v -> !v.isLibrary()).toList();
        Map<String, Map<String, KernelResources.Usage>> reports = new HashMap<>(); // each module's report read once
        System.out.printf("ptxas resources, %s, built by %s. smem: static shared memory (a launch may add dynamic);%n", arch, built.nvcc());
        System.out.println("warps/SM: the most its registers allow (shared memory, block size and block limits can cut it further)");
        System.out.printf("%-19s %-18s %5s %8s %8s %14s %9s %9s%n", "family", "variant", "regs", "smem B", "stack B", "spill st/ld B", "barriers", "warps/SM");
        for (KernelVariant v : variants) {
            KernelResources.Usage u = reports.computeIfAbsent(v.module(), m -> KernelResources.of(m, arch)).get(v.symbol());
            if (u == null) {
                System.out.printf("%-19s %-18s (%s)%n", v.family(), v.id(), PtxModules.ptxasReport(v.module(), arch) == null
                        ? "not built for " + arch : "not in ptxas's report for " + arch);
                continue;
            }
            System.out.printf("%-19s %-18s %5d %8d %8d %14s %9d %9d%n", v.family(), v.id(), u.registers(), u.sharedBytes(), u.stackBytes(),
                    u.spillStoreBytes() + "/" + u.spillLoadBytes(), u.barriers(), u.warpsByRegisters(arch));
        }
    }
}
