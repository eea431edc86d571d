package unclip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.DType;
import unclip4j.tensor.Tensor;

class FiniteCheckTest {
    @Test
    void namesEveryFloatTensorHoldingNanOrInfInTheDictsOrder() {
        StateDict sd = new StateDict("test");
        sd.put("f32", Tensor.of(new float[] {1f, Float.POSITIVE_INFINITY}, 2));
        sd.put("fine", Tensor.of(new float[] {1f, -2f, 3e38f}, 3));
        sd.put("f16", Tensor.of(new float[] {0f, Float.NaN}, 2).to(DType.F16));
        sd.put("bf16", Tensor.of(new float[] {Float.NEGATIVE_INFINITY}, 1).to(DType.BF16));
        Tensor f64 = Tensor.zeros(DType.F64, 2);
        f64.setDouble(Double.NaN, 1);
        sd.put("f64", f64);
        sd.put("ints", Tensor.ofInts(new int[] {Integer.MAX_VALUE}, 1));
        // a non-contiguous view, read in its own row-major order
        sd.put("transposed", Tensor.of(new float[] {0f, 0f, Float.NaN, 0f, 0f, 0f}, 2, 3).transpose(0, 1));
        assertEquals(List.of("f32", "f16", "bf16", "f64", "transposed"), FiniteCheck.nonFinite(sd));
    }

    @Test
    void tensorsPastTwoToTheThirtyOneElementsAreReadWithoutACopy() {
        // 3·10⁹ elements of one stored NaN (a stride-0 view): no Java array could hold them
        StateDict sd = new StateDict("test");
        sd.put("huge", Tensor.of(new float[] {Float.NaN}, 1).expand(3_000_000_000L));
        assertEquals(List.of("huge"), FiniteCheck.nonFinite(sd));
    }
}
