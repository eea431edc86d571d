package unclip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** Errors that are not exceptions, and errors in the arguments, still end in one line and exit 2. */
class CliErrorContractTest {

    @Command(name = "exhaust")
    static final class Exhaust implements Runnable {
        @Override
        public void run() {
            throw new OutOfMemoryError("Cannot reserve 83886128 bytes of direct buffer memory (allocated: 10680650672, limit: 10737418240)");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineWithTheSettingsToChange() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Cli.execute(new Exhaust(), new PrintWriter(out, true), new PrintWriter(err, true));
        String line = CliRunner.assertUserError(new CliRunner.Result(code, out.toString(), err.toString()),
                "out of memory", "Cannot reserve 83886128 bytes", "MaxDirectMemorySize");
        assertTrue(line.contains("UNCLIP4J_JAVA_OPTS"), line);
    }

    @Command(name = "fail")
    static final class Fail implements Runnable {
        @Override
        public void run() {
            throw new Error("Probable fatal error: No physical fonts found.");
        }
    }

    /** Any other Error (AWT throws plain ones, a bug may throw a LinkageError) is one line too, not a stack trace. */
    @Test
    void otherErrorsAreOneLineSayingTheyAreInternal() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Cli.execute(new Fail(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals("error: internal error: Probable fatal error: No physical fonts found. (--verbose shows where; please report it)",
                CliRunner.assertUserError(new CliRunner.Result(code, out.toString(), err.toString())));
    }

    /** A newline in a path does not cut the error line short: it is written as an escape, and the reason follows. */
    @Test
    void aNewlineInAPathIsEscapedNotALineBreak() {
        CliRunner.assertUserError(CliRunner.run("inspect", "evil\nname.ckpt"), "evil\\nname.ckpt: no such file");
    }

    @Test
    void argumentErrorsAreOneLineWithThePointerToTheHelp() {
        CliRunner.assertUserError(CliRunner.run("generate", "--bogus"), "Unknown option: '--bogus'", "(see 'unclip4j generate --help')");
        CliRunner.assertUserError(CliRunner.run("generate", "--prior-guidance", "x", "--out", "x.png"), "'x' is not a float", "--help");
        CliRunner.assertUserError(CliRunner.run("encode-image", "--image", "a.png", "--preprocess", "nope", "--out", "a.safetensors"),
                "--preprocess", "--help");
    }

    /** A malformed -D setting is an error before the command does anything, whichever reader would have met it, and when. */
    @Test
    void malformedSettingsAreRefusedBeforeAnyWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        String[][] cases = {
            {"unclip4j.peak.gflops", "abc", "-Dunclip4j.peak.gflops is a number above 0, got 'abc'"},
            {"unclip4j.cpu.vector", "no", "-Dunclip4j.cpu.vector is true or false, got 'no'"},
            {"unclip4j.cpu.poolMiB", "abc", "-Dunclip4j.cpu.poolMiB is a size in MiB"},
            {"unclip4j.cuda.cacheMiB", "-5", "-Dunclip4j.cuda.cacheMiB is a size in MiB"},
            {"unclip4j.kernel.gemm", "v99", "-Dunclip4j.kernel.gemm=v99: no variant 'v99' of gemm"},
            {"unclip4j.cpu.vectr", "false", "-Dunclip4j.cpu.vectr is no unclip4j setting; they are unclip4j.cpu.conv, unclip4j.cpu.poolMiB"},
        };
        for (String[] c : cases) {
            System.setProperty(c[0], c[1]);
            try {
                java.nio.file.Path out = tmp.resolve("x.png");
                CliRunner.assertUserError(CliRunner.run("generate", "--prompt", "x", "--profile", "--out", out.toString()), c[2]);
                assertTrue(java.nio.file.Files.notExists(out), c[0]);
            } finally {
                System.clearProperty(c[0]);
            }
        }
    }

    /** Help, the version and doctor run whatever the settings are: doctor is where a bad one is looked into. */
    @Test
    void helpVersionAndDoctorRunWithABadSettingAndDoctorNamesIt() {
        System.setProperty("unclip4j.cpu.vector", "no");
        System.setProperty("unclip4j.kernel.gemm", ""); // blank: the default variant, as KernelChoice reads it
        try {
            assertEquals(0, CliRunner.run("--version").code());
            assertEquals(0, CliRunner.run("generate", "--help").code());
            CliRunner.Result doctor = CliRunner.run("doctor");
            assertEquals(0, doctor.code(), doctor.err());
            assertTrue(doctor.out().contains("refused: -Dunclip4j.cpu.vector is true or false, got 'no'"), doctor.out());
            System.clearProperty("unclip4j.cpu.vector");
            assertEquals(0, CliRunner.run("schedule", "--respacing", "3").code(), "a blank kernel setting is no error");
        } finally {
            System.clearProperty("unclip4j.cpu.vector");
            System.clearProperty("unclip4j.kernel.gemm");
        }
    }

    /** Device options are checked before the model is hashed: here its decoder is a pipe, which hashing would refuse first. */
    @Test
    void deviceOptionsAreCheckedBeforeTheModelIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path model = java.nio.file.Files.createDirectories(tmp.resolve("model"));
        try (var files = java.nio.file.Files.list(ModelOptions.embeddedModel())) {
            for (java.nio.file.Path f : files.toList()) java.nio.file.Files.copy(f, model.resolve(f.getFileName()));
        }
        java.nio.file.Files.delete(model.resolve("decoder.safetensors"));
        unclip4j.testing.NamedPipe.create(model.resolve("decoder.safetensors"));
        String out = tmp.resolve("x.png").toString();
        CliRunner.assertUserError(CliRunner.run("generate", "--model", model.toString(), "--prompt", "x", "--device", "bogus", "--out", out),
                "unknown device 'bogus' (expected cpu, cuda, reference)");
        CliRunner.assertUserError(CliRunner.run("generate", "--model", model.toString(), "--prompt", "x", "--cpu-conv", "bogus", "--out", out),
                "unknown CPU conv algorithm 'bogus'");
        CliRunner.assertUserError(CliRunner.run("sweep", "--model", model.toString(), "--prompt", "x", "--kernel", "gemm=v1", "--out", out),
                "--kernel chooses CUDA kernels; it needs --device cuda");
    }

    @Test
    void absurdSizesAreRefusedBeforeAnyWork() throws Exception {
        CliRunner.assertUserError(CliRunner.run("bench", "gemm", "--size", "1000000"), "A, B and C need 12000.0 GB");
        CliRunner.assertUserError(CliRunner.run("interpolate", "--prompt", "a", "--prompt", "b", "--frames", "2000", "--grid", "false", "--out", "x.png"),
                "--frames 2000: at most 1024");
        CliRunner.assertUserError(CliRunner.run("sweep", "--prompt", "a", "--decoder-guidance", ",", "--out", "x.png"), "at least one scale");
        CliRunner.assertUserError(CliRunner.run("sweep", "--prompt", "a", "--prior-guidance", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
                "--decoder-guidance", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "--out", "x.png"), "too large a grid");
        CliRunner.assertUserError(CliRunner.run("generate", "--prompt", "a", "--rerank", "100000", "--out", "x.png"),
                "--rerank is 1..64 prior samples per picture, got 100000");
        CliRunner.assertUserError(CliRunner.run("bench", "gemm", "--size", "64", "--iterations", "2147483647"), "--iterations is at most 10000");
        CliRunner.assertUserError(CliRunner.run("bench", "pipeline", "--random-weights", "--config", "tiny", "--batch", "20000"),
                "--batch is at most 1024");
        CliRunner.assertUserError(CliRunner.run("bench", "pipeline", "--random-weights", "--config", "tiny", "--stages", ","),
                "--stages names no stage");
        assertTrue(java.nio.file.Files.notExists(java.nio.file.Path.of("x.png")), "nothing written in the working directory");
    }

    @Test
    void aPipeAsPromptFileIsRefusedNotWaitedOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path fifo = unclip4j.testing.NamedPipe.create(tmp.resolve("prompts.txt"));
        CliRunner.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> CliRunner.run("generate", "--prompt-file", fifo.toString(), "--out", tmp.resolve("a.png").toString()));
        CliRunner.assertUserError(r, "is not a regular file");
        CliRunner.Result noise = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> CliRunner.run("generate", "--prompt", "a", "--noise", fifo.toString(), "--out", tmp.resolve("b.png").toString()));
        CliRunner.assertUserError(noise, "not a regular file");
    }
}
