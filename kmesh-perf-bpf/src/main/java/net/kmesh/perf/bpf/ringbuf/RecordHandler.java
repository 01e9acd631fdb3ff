package net.kmesh.perf.bpf.ringbuf;

import java.nio.ByteBuffer;

/**
 * Receives the records a {@link RingCursor} reads: a {@link RingReader} hands them over in place
 * in the ring's memory, a {@link RingObserver} from its scratch buffer.
 */
public interface RecordHandler {
    /**
     * One committed, not discarded record. Its {@code length} payload bytes start at
     * {@code position}; byte {@code k} of it is at index {@code (position + k) & mask} of
     * {@code data} (the ring and its mask, or a scratch buffer and its own). The position is 8-byte
     * aligned and the buffer a power of two of at least the record, so an aligned 8-byte field
     * never straddles its end. The memory is only valid during the call.
     */
    void onRecord(ByteBuffer data, long position, int length, int mask);

    /**
     * The same record, handed over by a reader that reads its ring by address ({@link RawMemory}):
     * byte {@code k} of it is also at {@code address + ((position + k) & mask)}, readable with
     * {@link RawMemory#getLong} and {@link RawMemory#getInt} during the call. A handler that reads
     * a record's fields after the reader's fence reads them so in one load each. By default it
     * reads {@code data}, as {@link #onRecord} does; both must hand over the same.
     */
    default void onRecordAt(long address, ByteBuffer data, long position, int length, int mask) {
        onRecord(data, position, length, mask);
    }
}
