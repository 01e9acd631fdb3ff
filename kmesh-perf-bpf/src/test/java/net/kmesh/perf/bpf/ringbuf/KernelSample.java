package net.kmesh.perf.bpf.ringbuf;

import java.nio.ByteBuffer;

/**
 * One record {@code kp_produce} wrote in {@code KP_PRODUCE_SYNTHETIC} mode, as a reader got it:
 * the 32-byte record of {@code kmesh_perf.h} (start_ns, end_ns, pid_tgid, operation_type). A
 * whole record is recognisable: its length is 32, its pid is this process, its duration lies in
 * [{@link SampleRing#SYNTHETIC_NS}, 2 × that), its type is a batch number the test used. The
 * start and end times (with the random spread of the duration) identify it among the others.
 */
record KernelSample(long start, long end, long pidTgid, long operationType, int length) {
    static final long PID = ProcessHandle.current().pid();

    static KernelSample of(ByteBuffer data, long position, int length, int mask) {
        return new KernelSample(data.getLong((int) (position & mask)), data.getLong((int) ((position + 8) & mask)),
                data.getLong((int) ((position + 16) & mask)),
                Integer.toUnsignedLong(data.getInt((int) ((position + 24) & mask))), length);
    }

    /** Whether this is a whole record that {@code kp_produce} wrote for a batch numbered 1 to {@code batches}. */
    boolean valid(long batches) {
        long duration = end - start;
        return length == 32 && pidTgid >>> 32 == PID && duration >= SampleRing.SYNTHETIC_NS
                && duration < 2 * SampleRing.SYNTHETIC_NS && operationType >= 1 && operationType <= batches;
    }
}
