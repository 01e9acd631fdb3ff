package net.kmesh.perf;

import java.util.OptionalLong;

/**
 * What happened to the records of the ring buffer. With a complete probe every record is
 * accounted for: records produced in the kernel = {@code consumed + dropped}.
 *
 * @param consumed         records read from the ring buffer, valid or not
 * @param invalid          records read whose size or content is not a known layout
 * @param dropped          records lost because {@code bpf_ringbuf_reserve} failed (a full ring),
 *                         summed over CPUs; empty when the source has no counter map
 * @param endsWithoutStart operation ends that found no start; empty when the source has no counter map
 * @param listenerErrors   exceptions thrown by record listeners (each one counted, none stops the reader)
 * @param corruptions      times the ring itself held an impossible header and the reader skipped ahead
 * @param staleStartsReaped starts deleted from {@code kmesh_perf_map} because they never ended (their
 *                         thread died, say) within {@link PerfMonitorConfig#staleStartAge()}
 */
public record RecordCounters(long consumed, long invalid, OptionalLong dropped, OptionalLong endsWithoutStart,
                             long listenerErrors, long corruptions, long staleStartsReaped) {
    /** Valid records: those turned into operation statistics. */
    public long valid() {
        return consumed - invalid;
    }
}
