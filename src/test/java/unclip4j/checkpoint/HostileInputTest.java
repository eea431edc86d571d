package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.TestFiles.Pickle;

class HostileInputTest {
    @TempDir
    Path tmp;

    private CheckpointException refused(byte[] pickle) {
        Path f = TestFiles.torchZip(tmp.resolve("evil.ckpt"), pickle, Map.of());
        return assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f));
    }

    private void assertRefusedNaming(String name, byte[] pickle) {
        Path marker = tmp.resolve("pwned");
        CheckpointException e = refused(pickle);
        assertTrue(e.getMessage().contains("refusing") && e.getMessage().contains(name), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(marker), "nothing may run");
    }

    @Test
    void globalReduceOfOsSystemIsRefused() {
        String cmd = "touch " + tmp.resolve("pwned");
        assertRefusedNaming("os.system", new Pickle().global("os", "system").str(cmd).tuple1().reduce().stop());
    }

    @Test
    void stackGlobalOfBuiltinsEvalIsRefused() {
        assertRefusedNaming("builtins.eval", new Pickle().shortStr("builtins").shortStr("eval").op(0x93)
                .str("__import__('os').system('touch " + tmp.resolve("pwned") + "')").tuple1().reduce().stop());
    }

    @Test
    void instOfSubprocessPopenIsRefused() {
        assertRefusedNaming("subprocess.Popen", new Pickle().mark().str("touch").str(tmp.resolve("pwned").toString())
                .inst("subprocess", "Popen").stop());
    }

    @Test
    void objOfPosixSystemIsRefused() {
        assertRefusedNaming("posix.system", new Pickle().mark().global("posix", "system").str("touch x").op('o').stop());
    }

    @Test
    void buildWithDangerousStateIsRefused() {
        assertRefusedNaming("builtins.exec", new Pickle().global("__main__", "Evil").emptyTuple().newobj()
                .emptyDict().str("__setstate__").global("builtins", "exec").setitem().build().stop());
    }

    @Test
    void unknownGlobalsAreInertPlaceholdersSoLightningExtrasLoad() {
        byte[] pickle = new Pickle().emptyDict().mark()
                .str("state_dict").global("collections", "OrderedDict").emptyTuple().reduce()
                .str("model.w").tensor("FloatStorage", "0", 2, 0, new int[] {2}, new int[] {1}).setitem()
                .str("hyper_parameters").global("omegaconf.dictconfig", "DictConfig").emptyTuple().newobj()
                .emptyDict().str("x").int1(1).setitem().build()
                .str("callbacks").global("pytorch_lightning.callbacks", "ModelCheckpoint").emptyTuple().reduce()
                .setitems().stop();
        Path f = TestFiles.torchZip(tmp.resolve("lightning.ckpt"), pickle, Map.of("0", TestFiles.floats(1f, 2f)));
        StateDict sd = TorchCheckpoint.read(f);
        assertEquals(1, sd.size());
        assertEquals(2f, sd.get("model.w").getFloat(1));
    }

    @Test
    void declaredShapeLargerThanStorageIsRefused() {
        byte[] pickle = new Pickle().tensor("FloatStorage", "0", 2, 0, new int[] {4}, new int[] {1}).stop();
        Path f = TestFiles.torchZip(tmp.resolve("big.ckpt"), pickle, Map.of("0", TestFiles.floats(1f, 2f)));
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("past the end of its storage"));
    }

    @Test
    void storageLargerThanItsRecordIsRefused() {
        byte[] pickle = new Pickle().tensor("FloatStorage", "0", 1000, 0, new int[] {2}, new int[] {1}).stop();
        Path f = TestFiles.torchZip(tmp.resolve("short.ckpt"), pickle, Map.of("0", TestFiles.floats(1f, 2f)));
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("declares 1000"));
    }

    @Test
    void negativeAndOverflowingDimsAreRefused() {
        for (int[] size : new int[][] {{-1}, {0x7fffffff, 0x7fffffff, 0x7fffffff}}) {
            byte[] pickle = new Pickle().tensor("FloatStorage", "0", 2, 0, size, new int[size.length]).stop();
            Path f = TestFiles.torchZip(tmp.resolve("dims.ckpt"), pickle, Map.of("0", TestFiles.floats(1f, 2f)));
            assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f), Arrays.toString(size));
        }
    }

    @Test
    void legacyTorchFilesGetAClearMessage() throws IOException {
        Path f = tmp.resolve("legacy.pt");
        Files.write(f, new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0});
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("legacy"));
    }

    @Test
    void truncatedZipsAreRefused() throws IOException {
        byte[] all = Files.readAllBytes(Fixtures.file("prior-tiny.ckpt"));
        for (int len : new int[] {0, 3, 100, all.length / 2, all.length - 1}) {
            Path f = tmp.resolve("cut.ckpt");
            Files.write(f, Arrays.copyOf(all, len));
            assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f), "length " + len);
        }
    }

    @Test
    void zipEntryDeclaringAHugeSizeIsRefused() throws IOException {
        // make data.pkl (the first entry, deflate-free) claim 2^31 bytes in the central directory
        byte[] b = Files.readAllBytes(Fixtures.file("ViT-tiny_stats.th"));
        int cd = indexOf(b, new byte[] {0x50, 0x4b, 0x01, 0x02}, 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(cd + 20, 0x7fffffff).putInt(cd + 24, 0x7fffffff);
        Path f = tmp.resolve("huge.th");
        Files.write(f, b);
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("runs past the end"));
    }

    @Test
    void nonUtf8AndDuplicateZipNamesAreRefused() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.file("ViT-tiny_stats.th"));
        byte[] dup = b.clone();
        // "ViT-tiny_stats/data/1" → "ViT-tiny_stats/data/0" everywhere: two entries of one name
        replaceAll(dup, "ViT-tiny_stats/data/1", "ViT-tiny_stats/data/0");
        Path f = tmp.resolve("dup.th");
        Files.write(f, dup);
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("two entries"));
        byte[] bad = b.clone();
        replaceAll(bad, "ViT-tiny_stats/version", "ViT-tiny_stats/versio\u00ff");
        for (int i = 0; i < bad.length; i++) if (bad[i] == (byte) 0xc3 && bad[i + 1] == (byte) 0xbf) { bad[i] = 'n'; bad[i + 1] = (byte) 0xff; }
        Files.write(f, bad);
        assertTrue(assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage().contains("UTF-8"));
    }

    private static void replaceAll(byte[] b, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8), t = to.getBytes(StandardCharsets.UTF_8);
        for (int i = indexOf(b, f, 0); i >= 0; i = indexOf(b, f, i + 1)) System.arraycopy(t, 0, b, i, Math.min(t.length, f.length));
    }

    private static int indexOf(byte[] b, byte[] pat, int from) {
        outer:
        for (int i = from; i <= b.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) if (b[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------ safetensors

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void hostileSafetensorsHeadersAreRefused() throws IOException {
        String[] headers = {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}",                 // shape × dtype larger than the data
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",                // negative dim
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", // overflow
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", // duplicate
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}",               // past the end
        };
        for (String h : headers) {
            Path f = safetensors(h, 8);
            assertThrows(CheckpointException.class, () -> SafetensorsFile.open(f), h);
        }
        Path f = safetensors("{}", 0);
        Files.write(f, new byte[] {(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0, '{'});
        assertTrue(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(f)).getMessage().contains("header length"));
        Path g = safetensors("{\"\u00e9\":1}", 0);
        byte[] raw = Files.readAllBytes(g);
        raw[10] = (byte) 0xff;
        Files.write(g, raw);
        assertTrue(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(g)).getMessage().contains("UTF-8"));
    }

    /** A header that is JSON but not an object does not start with '{', so only the name says it is meant as safetensors. */
    @Test
    void aSafetensorsHeaderThatIsNotAnObjectIsCalledThat() throws IOException {
        for (String h : new String[] {"[1,2]", "\"tensors\"", "12"}) {
            Path f = safetensors(h, 0);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f), h);
            assertTrue(e.getMessage().contains("safetensors header is not a JSON object"), e.getMessage());
        }
    }

    @Test
    void truncatedSafetensorsAreRefused() throws IOException {
        byte[] all = Files.readAllBytes(Fixtures.file("prior_forward.safetensors"));
        for (int len : new int[] {0, 7, 12, all.length / 2, all.length - 1}) {
            Path f = tmp.resolve("cut.safetensors");
            Files.write(f, Arrays.copyOf(all, len));
            assertThrows(CheckpointException.class, () -> SafetensorsFile.open(f), "length " + len);
        }
    }

    @Test
    void torchScriptModulesSharedAlongAChainAreRefusedQuickly() throws IOException {
        // 60 levels, each module's attributes a and b both the next level's module: 2^60 paths in 1.5 kB
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.writeBytes("\u0080\u0002c__torch__\nM\n)\u0081}bq\u0000".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 1; i <= 60; i++) {
            p.writeBytes("0c__torch__\nM\n)\u0081}(".getBytes(StandardCharsets.ISO_8859_1));
            for (String attr : new String[] {"a", "b"}) {
                p.writeBytes(new byte[] {'X', 1, 0, 0, 0, (byte) attr.charAt(0), 'h', (byte) (i - 1)});
            }
            p.writeBytes(new byte[] {'u', 'b', 'q', (byte) i});
        }
        p.write('.');
        Path f = tmp.resolve("dag.pt");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            for (var e : Map.of("archive/data.pkl", p.toByteArray(), "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'},
                    "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        CheckpointException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)));
        assertTrue(e.getMessage().contains("more than 100000 modules"), e.getMessage());
    }

    @Test
    void pipesAndOversizedConfigsAreRefusedWithoutReading() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("prior.yaml"), "#".repeat(2 << 20));
        CheckpointException big = assertThrows(CheckpointException.class, () -> unclip4j.config.KarloYaml.prior(yaml));
        assertTrue(big.getMessage().contains("too large for a config file"), big.getMessage());
        Path fifo = unclip4j.testing.NamedPipe.create(tmp.resolve("pipe.safetensors"));
        // nobody writes to the pipe: opening it for reading would block forever
        CheckpointException pipe = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(CheckpointException.class, () -> SafetensorsFile.open(fifo)));
        assertTrue(pipe.getMessage().contains("not a regular file"), pipe.getMessage());
        Path yamlPipe = unclip4j.testing.NamedPipe.create(tmp.resolve("pipe.yaml"));
        assertTrue(assertThrows(CheckpointException.class, () -> unclip4j.config.KarloYaml.prior(yamlPipe)).getMessage().contains("not a regular file"));
    }

    @Test
    void priorConfigsOutsideSaneSizesAreRefusedNamingTheFile() throws IOException {
        String yaml = Files.readString(Path.of("weights/tiny/prior.yaml"));
        for (String[] edit : new String[][] {{"xf_heads: 4", "xf_heads: 0", "xf_heads is 0, outside"}, {"text_ctx: 77", "text_ctx: 1000000000", "text_ctx is 1000000000"},
                {"xf_heads: 4", "xf_heads: 3", "not a multiple of xf_heads 3"}}) {
            assertTrue(yaml.contains(edit[0]), edit[0]);
            Path f = Files.writeString(tmp.resolve("prior.yaml"), yaml.replace(edit[0], edit[1]));
            CheckpointException e = assertThrows(CheckpointException.class, () -> unclip4j.config.KarloYaml.prior(f));
            assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(edit[2]), e.getMessage());
        }
    }
}
