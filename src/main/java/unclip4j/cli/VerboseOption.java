package unclip4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}: show the stack trace of an error instead of its one line. {@link Cli#execute}
 * reads the flag from the raw arguments before parsing; this mixin only declares it to picocli.
 */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;
}
