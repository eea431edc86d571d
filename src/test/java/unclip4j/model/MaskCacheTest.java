package unclip4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/** A mask's derived tensor is built once per mask and variant, and outlives the step that built it. */
class MaskCacheTest {

    @Test
    void buildsOncePerMaskAndVariantAndOutlivesTheStepsScope() {
        MaskCache cache = new MaskCache();
        Tensor mask = Tensor.of(new float[] {0, Float.NEGATIVE_INFINITY}, 1, 2);
        AtomicInteger builds = new AtomicInteger();
        Supplier<Tensor> build = () -> {
            builds.incrementAndGet();
            return Tensor.of(new float[] {0, Float.NEGATIVE_INFINITY, 0}, 1, 3);
        };
        Tensor first;
        try (TensorScope step = TensorScope.open()) {
            first = cache.get(mask, 1, build);
        }
        assertEquals(0f, first.getFloat(0, 2), "built outside the step's scope: still readable after it closed");
        try (TensorScope step = TensorScope.open()) {
            assertSame(first, cache.get(mask, 1, build), "the same mask at the next step: no rebuild");
        }
        assertEquals(1, builds.get());
        assertNotSame(first, cache.get(mask, 2, build), "another variant (token count)");
        Tensor sameValues = Tensor.of(new float[] {0, Float.NEGATIVE_INFINITY}, 1, 2);
        cache.get(sameValues, 2, build);
        assertEquals(3, builds.get(), "another mask object is built for, whatever its values");
    }
}
