package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Reads by address are used exactly on the JDKs whose {@code sun.misc.Unsafe} memory access is not
 * deprecated, and read what the buffer holds. (JDK 25 reading through the buffer, and printing no
 * Unsafe warning, is {@code ModulePathIT}'s.)
 */
class RawMemoryTest {
    @Test
    void usedBelowJdk23Only() {
        assertEquals(Runtime.version().feature() < RawMemory.FIRST_DEPRECATED, RawMemory.available(),
                "JDK " + Runtime.version().feature());
    }

    @Test
    void aDirectBufferIsReadByAddressAndAHeapBufferThroughItself() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        direct.putInt(40, 0x8000_0123);
        long address = RawMemory.address(direct);
        assertEquals(RawMemory.available(), address != 0);
        if (address != 0) {
            assertEquals(0x8000_0123, RawMemory.getInt(address + 40));
            assertEquals(direct.getInt(40), RawMemory.getInt(address + 40));
        }
        assertEquals(0, RawMemory.address(ByteBuffer.allocate(64)), "a heap buffer has no address to read");
        SyntheticRing ring = new SyntheticRing(4096, 0);
        assertEquals(RawMemory.available(), ring.reader(true).readsByAddress());
        assertFalse(ring.reader(false).readsByAddress());
        assertTrue(ring.reader(false).drain((data, position, length, mask) -> { }) == 0);
    }
}
