package unclip4j;

import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import unclip4j.cli.BenchCommand;
import unclip4j.cli.Cli;
import unclip4j.cli.ConvertCommand;
import unclip4j.cli.DecodeCommand;
import unclip4j.cli.DoctorCommand;
import unclip4j.cli.EncodeImageCommand;
import unclip4j.cli.EncodeTextCommand;
import unclip4j.cli.GenerateCommand;
import unclip4j.cli.InspectCommand;
import unclip4j.cli.InterpolateCommand;
import unclip4j.cli.PriorCommand;
import unclip4j.cli.RedoCommand;
import unclip4j.cli.ScheduleCommand;
import unclip4j.cli.SimilarityCommand;
import unclip4j.cli.SweepCommand;
import unclip4j.cli.TextDiffCommand;
import unclip4j.cli.VaryCommand;

/** The {@code unclip4j} command line: one subcommand per job. */
@Command(name = "unclip4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "unCLIP (DALL-E 2 / Karlo v1.0 alpha) text-to-image engine for the JVM.",
        subcommands = {
                GenerateCommand.class, VaryCommand.class, InterpolateCommand.class, TextDiffCommand.class, DecodeCommand.class, RedoCommand.class,
                EncodeTextCommand.class, EncodeImageCommand.class, SimilarityCommand.class, PriorCommand.class,
                ScheduleCommand.class, SweepCommand.class,
                InspectCommand.class, ConvertCommand.class, BenchCommand.class, DoctorCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // numbers are printed the same on every machine (0.5, not 0,5): tables are read by scripts and compared across runs
        // (all categories: PrintWriter.printf formats with the plain default locale, String.format with the FORMAT one)
        Locale.setDefault(Locale.ROOT);
        System.exit(Cli.execute(new Main(), args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Version from the jar manifest (falls back to "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"unclip4j " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ", "
                    + System.getProperty("os.arch") + ")"};
        }
    }
}
