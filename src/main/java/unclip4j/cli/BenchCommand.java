package unclip4j.cli;

import picocli.CommandLine.Command;
import unclip4j.cli.bench.GemmBenchCommand;

/** {@code unclip4j bench ...}: quick, self-contained throughput measurements (JMH suites live in bench/). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure op throughput on this machine.",
        subcommands = {GemmBenchCommand.class, KernelBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
