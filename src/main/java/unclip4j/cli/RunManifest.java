package unclip4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import unclip4j.Main;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.ConvAlgorithm;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.kernel.KernelChoice;
import unclip4j.checkpoint.ModelDirectory;
import unclip4j.checkpoint.RegularFile;
import unclip4j.checkpoint.ModelDirectory.Part;

/**
 * The JSON written beside every picture: what is needed to draw it again (inputs, seed or noise
 * file, steps, guidance, the model files with their SHA-256, backend, dtype, version) and how long
 * each stage took. Entries keep the order they were put in.
 */
final class RunManifest {
    private final Map<String, Object> entries = new LinkedHashMap<>();

    RunManifest(String command) {
        String v = Main.class.getPackage().getImplementationVersion();
        entries.put("unclip4j", v == null ? "dev" : v);
        entries.put("command", command);
    }

    RunManifest put(String key, Object value) {
        entries.put(key, value);
        return this;
    }

    /** The arguments that make the run again ({@code redo}) and the input files they name, with their SHA-256. */
    RunManifest arguments(RunArguments args) {
        entries.put("argv", args.argv());
        entries.put("inputs", args.inputs());
        return this;
    }

    /**
     * Where the arithmetic ran: pictures drawn with the same arguments on another JVM or CPU may
     * round differently (the CPU backend's vector width decides how its sums are split).
     */
    RunManifest platform() {
        entries.put("platform", map("java", Runtime.version().toString(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "float_vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                "properties", settingProperties()));
        return this;
    }

    /**
     * The {@code -D} properties that choose how a run computes, and so may change its rounding: the
     * CPU's convolution algorithm and micro-kernel, and CUDA kernel variants. Sorted; only those set.
     */
    static Map<String, String> settingProperties() {
        Map<String, String> props = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.equals(ConvAlgorithm.PROPERTY) || name.equals(CpuBackend.VECTOR_PROPERTY) || name.startsWith(KernelChoice.PROPERTY_PREFIX)) {
                props.put(name, System.getProperty(name));
            }
        }
        return props;
    }

    /** Where and how the run computed: the backend, CUDA's kernel variants, the weights' precision, the platform. */
    RunManifest computedOn(Backend backend, BackendOptions options, WeightPrecisionOption dtype) {
        entries.put("backend", backend.name());
        if (options.isCuda()) entries.put("kernels", options.kernels().describe());
        entries.put("dtype", dtype.manifestName());
        return platform();
    }

    /** The files written, each with its size and SHA-256, so that {@code redo --check} can compare a rerun's. */
    RunManifest outputs(List<Path> written) {
        entries.put("outputs", written.stream().map(RunManifest::fileEntry).toList());
        return this;
    }

    /**
     * The manifest's {@code model} entry: every file of the parts used, with its SHA-256. Taken before
     * the run reads the weights, so the hashes are of what it read.
     */
    static Map<String, Object> modelEntry(ModelDirectory dir, boolean embedded, List<Part> parts) {
        Set<Path> files = new LinkedHashSet<>();
        for (Part p : parts) files.addAll(dir.files(p));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Path f : files) list.add(fileEntry(f));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("directory", dir.dir() == null ? null : dir.dir().toAbsolutePath().normalize().toString());
        model.put("embedded_test_model", embedded);
        model.put("files", list);
        return model;
    }

    private static Map<String, Object> fileEntry(Path f) {
        return map("path", f.toAbsolutePath().normalize().toString(), "bytes", size(f), "sha256", sha256(f));
    }

    /** An insertion-ordered map from alternating keys and values. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    byte[] toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the run manifest", e);
        }
    }

    /**
     * The file's SHA-256, hashed once per process for a given path, size and modification time:
     * {@code redo} checks a model's gigabytes before the run and its manifest lists them after it.
     */
    static String sha256(Path file) {
        RegularFile.require(file); // a pipe would block the hash
        try {
            Path key = file.toAbsolutePath().normalize();
            String stamp = Files.size(key) + "@" + Files.getLastModifiedTime(key).toInstant();
            Hashed known = HASHED.get(key);
            if (known != null && known.stamp.equals(stamp)) return known.sha256;
            String sha = hash(key);
            HASHED.put(key, new Hashed(stamp, sha));
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private record Hashed(String stamp, String sha256) {}

    private static final Map<Path, Hashed> HASHED = new ConcurrentHashMap<>();

    private static String hash(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
