package net.kmesh.perf.bpf.ringbuf;

import java.nio.ByteBuffer;

/** Receives the records a {@link RingReader} reads, in place in the ring's memory. */
public interface RecordHandler {
    /**
     * One committed, not discarded record. Its {@code length} payload bytes start at ring
     * position {@code position}; byte {@code k} of it is at index {@code (position + k) & mask} of
     * {@code data}. The position is 8-byte aligned and the ring a power of two of at least a page,
     * so an aligned 8-byte field never straddles the end of the ring. The memory is only valid
     * during the call.
     */
    void onRecord(ByteBuffer data, long position, int length, int mask);
}
