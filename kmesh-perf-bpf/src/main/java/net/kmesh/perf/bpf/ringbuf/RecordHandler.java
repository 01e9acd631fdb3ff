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
}
