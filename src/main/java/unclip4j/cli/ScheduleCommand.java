package unclip4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import unclip4j.diffusion.BetaSchedule;
import unclip4j.diffusion.DiffusionSchedule;
import unclip4j.trace.Charts;
import unclip4j.trace.SchedulePlot;

/** {@code unclip4j schedule [--respacing 25] [--plot DIR]}: the kept timesteps and, with --plot, charts and CSVs of the schedules. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Print the respaced cosine schedule Karlo samples with; --plot draws β, ᾱ and log-SNR of the cosine and linear schedules.")
public final class ScheduleCommand implements Callable<Integer> {
    @Option(names = "--respacing", paramLabel = "SPEC", defaultValue = "25",
            description = "Respacing: N, n1,n2,..., ddimN or fast27. Default: ${DEFAULT-VALUE}.")
    String respacing;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "1000", description = "Original number of timesteps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write betas.png, alpha_bar.png, log_snr.png, schedule.csv and respaced.csv here.")
    Path plot;

    @Option(names = "--force", description = "Write into a --plot directory that already holds files.")
    boolean force;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (respacing.isBlank()) throw new IllegalArgumentException("--respacing is empty; give N (" + steps + " for every step), n1,n2,..., ddimN or fast27");
        OutputDirectory.check(plot, force, "--plot");
        if (plot != null) Charts.unavailable().ifPresent(why -> { throw new IllegalArgumentException("--plot draws charts, but " + why); });
        DiffusionSchedule s = DiffusionSchedule.create(BetaSchedule.SQUAREDCOS_CAP_V2, steps, respacing);
        long[] map = s.timestepMap();
        double[] betas = s.betas(), alphaBar = s.alphasCumprod();
        out.printf("cosine schedule, T = %d, respacing \"%s\": %d steps%n", steps, respacing, map.length);
        out.printf("%4s %5s %12s %12s %9s%n", "k", "t", "beta'_k", "alpha_bar", "log-SNR");
        for (int k = 0; k < map.length; k++) {
            out.printf("%4d %5d %12.6g %12.6g %9.3f%n", k, map[k], betas[k], alphaBar[k], SchedulePlot.logSnr(alphaBar[k]));
        }
        if (plot != null) for (Path p : SchedulePlot.write(plot, steps, respacing)) out.println("wrote " + p);
        return 0;
    }
}
