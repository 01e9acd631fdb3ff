package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Reads of a ring's memory by address: a record's header, which a {@link RingReader} fences, and the
 * fields a handler reads after it ({@link RecordHandler#onRecordAt}). A read through
 * {@link ByteBuffer#getInt(int)} after the acquire fence makes the compiler reload the buffer's
 * address, limit and byte order at every record; read by address it is one load.
 * {@code RingBufferDrainBenchmark.interleaved} measured the reader at 0.86-0.87 of libbpf's C
 * consumer through the buffer and 0.90-0.92 with the header by address, and the real decode path
 * against C doing the same work 0.99, 1.03-1.06 with the header by address and 1.20 with the
 * decoder's fields too.
 *
 * <p>Through {@code sun.misc.Unsafe}, on JDK 17 to 22 only: from JDK 23 its memory access is
 * deprecated for removal, and from JDK 24 the first use prints a warning on the embedding
 * service's standard error, which a library has no business doing; there the reader reads through
 * the buffer as before, as it does where {@code jdk.unsupported} is not in the runtime (a module
 * layer that did not resolve it). An address is only ever read at an offset masked to the ring's
 * size, inside the mapping the buffer covers, while the reader's ring is mapped.
 */
public final class RawMemory {
    /** Null where reads by address are not used: every reader then reads through its buffer. */
    private static final sun.misc.Unsafe UNSAFE = find();
    /** The JDK whose {@code sun.misc.Unsafe} memory access is deprecated for removal (JEP 471). */
    static final int FIRST_DEPRECATED = 23;

    private RawMemory() {
    }

    private static sun.misc.Unsafe find() {
        if (Runtime.version().feature() >= FIRST_DEPRECATED) {
            return null;
        }
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // No jdk.unsupported in this runtime image, or a security manager refuses: read through the buffer.
            return null;
        }
    }

    /** Whether reads by address are used in this JVM. */
    public static boolean available() {
        return UNSAFE != null;
    }

    /** The address of {@code data}'s index 0 for {@link #getInt}, or 0: read through the buffer. */
    public static long address(ByteBuffer data) {
        if (UNSAFE == null || !data.isDirect()) {
            return 0;
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(data));
    }

    /** The int at {@code address}, an address {@link #address} gave plus an offset inside its buffer. */
    public static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    /** The long at {@code address}, as {@link #getInt}; 8-byte aligned in a ring's records. */
    public static long getLong(long address) {
        return UNSAFE.getLong(address);
    }
}
