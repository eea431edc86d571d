package unclip4j.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The kernelParams the FFM launcher hands to cuLaunchKernel, read back without a driver. */
class DriverLaunchTest {

    @Test
    void eachPointerLeadsToItsArgumentsValue() {
        MemorySegment buf = DriverLaunch.newBuffer();
        long[] layout = new long[17];
        for (int i = 0; i < layout.length; i++) layout[i] = 100 + i;
        DriverLaunch.pack(buf, new Object[] {new Launch.Ptr(0xdead_beef_0L), 7, -3L, 2.5f, layout, 9});
        MemorySegment all = MemorySegment.ofAddress(buf.address()).reinterpret(buf.byteSize());
        long[] at = new long[6];
        for (int i = 0; i < 6; i++) {
            at[i] = buf.getAtIndex(ADDRESS, i).address() - buf.address();
            assertEquals(0, at[i] % 8, "argument " + i + " is 8-byte aligned");
        }
        assertEquals(0xdead_beef_0L, all.get(JAVA_LONG, at[0]));
        assertEquals(7, all.get(JAVA_INT, at[1]));
        assertEquals(-3L, all.get(JAVA_LONG, at[2]));
        assertEquals(2.5f, all.get(JAVA_FLOAT, at[3]));
        for (int i = 0; i < layout.length; i++) assertEquals(100 + i, all.get(JAVA_LONG, at[4] + 8L * i));
        assertEquals(at[4] + 8L * layout.length, at[5], "the struct is passed whole, by value");
        assertEquals(9, all.get(JAVA_INT, at[5]));
    }

    @Test
    void unsupportedArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DriverLaunch.pack(DriverLaunch.newBuffer(), new Object[] {"x"}));
        assertThrows(IllegalArgumentException.class, () -> DriverLaunch.pack(DriverLaunch.newBuffer(), new Object[DriverLaunch.MAX_ARGS + 1]));
    }
}
