package net.kmesh.perf.bpf.ringbuf;

/**
 * A {@link RingReader}'s walk while another reader consumes the same ring: each record is copied
 * and checked before it is handed over, so a record the other reader freed under this one and the
 * producer reused is never decoded torn. Records the check rejects were the other reader's.
 */
final class SharedWalk extends ValidatedWalk {
    SharedWalk(RingLayout ring) {
        super(ring, MAX_SCRATCH_BYTES, point -> { });
    }

    /** Continues from {@code position}, a record boundary: where the consumer goes on. */
    void seek(long position) {
        pos = position;
    }

    /**
     * After the other reader, when it has consumed past {@code pos}: it took those records (libbpf
     * publishes its position after each record), so reading them too would count them twice.
     */
    @Override
    long continueFrom(long pos) {
        return Math.max(pos, ring.sharedPosition());
    }

    /** Nothing can overwrite a record no reader has freed yet: the kernel never lets producer_pos pass consumer_pos + size. */
    @Override
    boolean mayBeOverwritten(long pos, long now) {
        return ring.sharedPosition() > pos;
    }

    /** Never counted: what a consumer skips here, the other reader consumed. */
    @Override
    public long missed() {
        return 0;
    }
}
