package net.kmesh.perf;

/**
 * Receives every valid record, on the monitor's consumer thread, in ring-buffer order. It must be
 * quick: the ring fills while it runs. An exception it throws is counted in
 * {@link RecordCounters#listenerErrors()} and does not stop the reader. Nothing is allocated to
 * call it.
 */
@FunctionalInterface
public interface RecordListener {
    /**
     * One operation that ended: its duration is {@code endNanos - startNanos}. Records of a type
     * beyond {@link PerfMonitorConfig#maxOperationTypes()} and invalid records never arrive here.
     *
     * @param operationType the record's operation type code (unsigned 32-bit)
     * @param startNanos    the start stamp, {@code bpf_ktime_get_ns()} (CLOCK_MONOTONIC)
     * @param endNanos      the end stamp, never before {@code startNanos}
     * @param pidTgid       {@code bpf_get_current_pid_tgid()} at the end, 0 in the seed's 24-byte layout
     */
    void onRecord(long operationType, long startNanos, long endNanos, long pidTgid);
}
