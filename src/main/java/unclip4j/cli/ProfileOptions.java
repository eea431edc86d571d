package unclip4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;
import unclip4j.backend.Backend;
import unclip4j.profile.OpTimer;
import unclip4j.profile.ProfileReport;
import unclip4j.profile.Profiler;
import unclip4j.profile.ProfilingBackend;
import unclip4j.tensor.Device;

/** {@code --profile}: time every backend op of the run and print where the time went. */
public final class ProfileOptions {
    @Option(names = "--profile",
            description = "Time every op and print tables by op, stage and checkpoint module (with GFLOP/s, GB/s; "
                    + "%% of peak with -D" + ProfileReport.PEAK_PROPERTY + "=<measured SGEMM GFLOP/s>).")
    boolean profile;

    private Profiler profiler;
    private boolean hostClockOnDevice;

    /** The backend to run on: a profiling wrapper when --profile is set. Call first, so the profile covers the run. */
    public Backend wrap(Backend backend) {
        if (!profile) return backend;
        profiler = new Profiler();
        OpTimer timer = backend instanceof OpTimer.Source s ? s.opTimer() : OpTimer.HOST;
        hostClockOnDevice = timer == OpTimer.HOST && backend.device() != Device.CPU;
        return new ProfilingBackend(backend, profiler, timer);
    }

    /** Prints the tables if --profile was given. */
    public void report(PrintWriter out) {
        if (profiler == null) return;
        new ProfileReport(profiler.snapshot(), ProfileReport.configuredPeak()).print(out);
        if (hostClockOnDevice) {
            out.println("(note: device ops were timed with the host clock, which sees launches, not kernels, until the backend "
                    + "implements OpTimer.Source; the total still matches the wall clock)");
        }
    }
}
