package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import unclip4j.checkpoint.TestFiles.Pickle;
import unclip4j.tensor.DType;
import unclip4j.tensor.Shape;
import unclip4j.tensor.Tensor;

class TorchCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void everyFixtureCheckpointMatchesTheManifestAppendix() {
        Map<String, List<Fixtures.Row>> appendix = Fixtures.appendix();
        assertEquals(List.of("ViT-tiny.pt", "ViT-tiny_stats.th", "prior-tiny.ckpt", "decoder-tiny.ckpt", "sr-tiny.ckpt"),
                List.copyOf(appendix.keySet()));
        assertEquals(65, appendix.get("ViT-tiny.pt").size());
        assertEquals(236, appendix.get("sr-tiny.ckpt").size());
        for (var e : appendix.entrySet()) {
            StateDict sd = TorchCheckpoint.read(Fixtures.file(e.getKey()));
            List<Fixtures.Row> actual = new ArrayList<>();
            for (String k : sd.keys()) {
                TensorInfo i = sd.info(k);
                actual.add(new Fixtures.Row(k, i.dtype().name(), Shape.toString(i.shape())));
            }
            assertEquals(e.getValue(), actual, e.getKey());
        }
    }

    @Test
    void fp16PriorIsTheFp32PriorRoundedToHalf() {
        StateDict f32 = TorchCheckpoint.read(Fixtures.file("prior-tiny.ckpt"));
        StateDict f16 = TorchCheckpoint.read(Fixtures.file("prior-tiny-fp16.ckpt"));
        assertEquals(f32.keys(), f16.keys());
        for (String k : f32.keys()) {
            assertEquals(DType.F16, f16.info(k).dtype());
            float[] a = f32.get(k).toFloatArray(), b = f16.get(k).toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(a[i])), b[i], 0f, k);
        }
    }

    @Test
    void tensorsAreZeroCopyViewsOfTheMappedFile() {
        StateDict sd = TorchCheckpoint.read(Fixtures.file("decoder-tiny.ckpt"));
        Tensor w = sd.get("model.input_blocks.0.0.weight");
        assertTrue(w.segment().isMapped(), "storage should be the file mapping itself");
        assertEquals(32 * 3 * 3 * 3, w.numel());
    }

    @Test
    void torchScriptArchiveSkipsNonParameterTensorsAndKeepsStoredDtypes() {
        StateDict clip = TorchCheckpoint.read(Fixtures.file("ViT-tiny.pt"));
        assertTrue(clip.keys().stream().noneMatch(k -> k.endsWith("attn_mask")));
        assertEquals(DType.F16, clip.info("visual.conv1.weight").dtype());
        assertEquals(49408L, clip.get("vocab_size").getLong());
        assertEquals(224L, clip.get("input_resolution").getLong());
    }

    @Test
    void aCheckpointWithItsTensorsNestedSaysUnderWhichKey() {
        byte[] nested = new Pickle().emptyDict().mark()
                .str("model").emptyDict().str("w").tensor("FloatStorage", "0", 2, 0, new int[] {2}, new int[] {1}).setitem()
                .str("epoch").int1(3)
                .setitems().stop();
        Path f = TestFiles.torchZip(tmp.resolve("trained.pt"), nested, Map.of("0", TestFiles.floats(1f, 2f)));
        assertEquals(f + ": holds no tensors at the top level (a dict of 'model', 'epoch'); the tensors are under 'model':"
                + " re-save that entry alone, torch.save(checkpoint['model'], path)",
                assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage());
        Path none = TestFiles.torchZip(tmp.resolve("meta.pt"), new Pickle().emptyDict().str("epoch").int1(3).setitem().stop(), Map.of());
        assertEquals(none + ": holds no tensors at the top level (a dict of 'epoch')",
                assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(none)).getMessage());
    }

    @Test
    void protocolZeroAndOnePicklesAreNamedAsSuch() {
        // torch.save(..., pickle_protocol=0) of {}, and protocol 1's [True]: text opcodes DICT and INT, no PROTO header
        for (String pickle : new String[] {"(dp0\n.", "]q\0(I01\ne."}) {
            Path f = TestFiles.torchZip(tmp.resolve("old.pt"), pickle.getBytes(StandardCharsets.ISO_8859_1), Map.of());
            String message = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(f)).getMessage();
            assertTrue(message.contains(": a protocol 0/1 (text) pickle, which is not read (opcode 0x")
                    && message.endsWith("re-save it with torch.save and its default pickle_protocol (2) or a later one"), message);
        }
        // no header and a byte no protocol has: corrupt, not old
        Path corrupt = TestFiles.torchZip(tmp.resolve("corrupt.pt"), new byte[] {(byte) 0xfe, '.'}, Map.of());
        String message = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(corrupt)).getMessage();
        assertTrue(message.contains("unsupported pickle opcode 0xfe") && !message.contains("protocol 0/1"), message);
    }

    @Test
    void statsAreTwoVectors() {
        StateDict stats = TorchCheckpoint.read(Fixtures.file("ViT-tiny_stats.th"));
        assertEquals(List.of("0", "1"), List.copyOf(stats.keys()));
        float[] std = stats.get("1").toFloatArray();
        for (float s : std) assertTrue(s > 0);
    }
}
