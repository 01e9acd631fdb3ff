package net.kmesh.perf;

import java.util.OptionalLong;

/**
 * What happened to the records of the ring buffer, summed over every incarnation of the source
 * (a data plane that restarts makes new maps; totals never go back). With a complete probe every
 * record is accounted for: records produced in the kernel = {@code consumed + dropped} when the
 * monitor consumes the ring, {@code consumed + missed + dropped} when it observes it.
 *
 * @param consumed          records read from the ring buffer, valid or not
 * @param invalid           records read whose size or content is not a known layout
 * @param typeOverflow      valid records of an operation type beyond {@link PerfMonitorConfig#maxOperationTypes()},
 *                          counted here only (in no histogram, passed to no listener)
 * @param missed            records an observer could not read because the producer overwrote them first
 *                          (always 0 when consuming); exact when records have one size, else estimated
 *                          from the bytes skipped
 * @param dropped           records lost because {@code bpf_ringbuf_reserve} failed (a full ring), summed
 *                          over CPUs; empty when the source has no counter map (unknown, not 0)
 * @param endsWithoutStart  operation ends that found no start; empty when the source has no counter map
 * @param listenerErrors    exceptions thrown by record listeners (each one counted, none stops the reader)
 * @param corruptions       times the ring itself held an impossible header and the reader skipped ahead
 * @param staleStartsReaped starts deleted from the probe's start map because they never ended within
 *                          {@link PerfMonitorConfig#staleStartAge()}
 */
public record RecordCounters(long consumed, long invalid, long typeOverflow, long missed, OptionalLong dropped,
                             OptionalLong endsWithoutStart, long listenerErrors, long corruptions,
                             long staleStartsReaped) {
    /**
     * Valid records: those turned into operation statistics.
     *
     * @return consumed less invalid and overflowing records
     */
    public long valid() {
        return consumed - invalid - typeOverflow;
    }
}
