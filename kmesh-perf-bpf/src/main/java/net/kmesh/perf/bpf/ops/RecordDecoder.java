package net.kmesh.perf.bpf.ops;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.ringbuf.RawMemory;
import net.kmesh.perf.bpf.ringbuf.RecordHandler;
import net.kmesh.perf.spi.ChangeLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the records of {@code kmesh_perf_info} into an {@link OperationAggregator} and passes
 * them to listeners. Two layouts are known (little-endian, as the kernel writes them):
 * <ul>
 *   <li>32 bytes, Kmesh upstream: u64 start_ns, u64 end_ns, u64 pid_tgid, u32 operation_type, u32 pad;</li>
 *   <li>24 bytes, the seed: u64 start_ns, u64 end_ns, u32 operation_type, u32 pad.</li>
 * </ul>
 * Any other size is counted as invalid, and so is a duration too long to be real: a start of 0 (a
 * probe that lost its start), an end before its start, or more than
 * {@link DurationHistogram#MAX_NANOS} (about 4.6 hours, the histogram's last bound). Nothing throws.
 */
public final class RecordDecoder implements RecordHandler {
    public static final int UPSTREAM_SIZE = ProbeLayout.RECORD_SIZE;
    public static final int SEED_SIZE = ProbeLayout.SEED_RECORD_SIZE;
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);
    private static final RecordListener[] NONE = new RecordListener[0];

    private final OperationAggregator aggregator;
    private volatile RecordListener[] listeners = NONE;
    /** Says once that invalid records or types past the cap are being counted: the counters say the rest. */
    private final ChangeLog log = ChangeLog.of(LOG::warn, LOG::info, "records");
    /*
     * Consumer thread. A hostile producer can send nothing but invalid records or new types: after
     * the one line, each of them costs a field read, not a lock and a captured lambda.
     */
    private boolean saidInvalid;
    private boolean saidOverflow;

    public RecordDecoder(OperationAggregator aggregator) {
        this.aggregator = aggregator;
    }

    /*
     * The hot path is kept small, its rare cases in methods of their own: past about 325 bytes of
     * bytecode (or 2,500 bytes of compiled code) C2 no longer inlines it into the reader's drain
     * loop, and then pays a call per record and re-reads the buffer's fields in every call.
     */
    @Override
    public void onRecord(ByteBuffer data, long position, int length, int mask) {
        accept(data, position, length, mask,
                data.getLong((int) ((position + ProbeLayout.RECORD_START_OFFSET) & mask)),
                data.getLong((int) ((position + ProbeLayout.RECORD_END_OFFSET) & mask)),
                data.getInt((int) ((position + typeOffset(length)) & mask)));
    }

    /** Reads the fields by address: after the reader's fence, one load each, not a buffer's checks reloaded. */
    @Override
    public void onRecordAt(long address, ByteBuffer data, long position, int length, int mask) {
        accept(data, position, length, mask,
                RawMemory.getLong(address + ((position + ProbeLayout.RECORD_START_OFFSET) & mask)),
                RawMemory.getLong(address + ((position + ProbeLayout.RECORD_END_OFFSET) & mask)),
                RawMemory.getInt(address + ((position + typeOffset(length)) & mask)));
    }

    /** Where the type's word is; inside the ring whatever the length, so it is read before the checks. */
    private static int typeOffset(int length) {
        return length == UPSTREAM_SIZE ? ProbeLayout.RECORD_TYPE_OFFSET : ProbeLayout.SEED_RECORD_TYPE_OFFSET;
    }

    private void accept(ByteBuffer data, long position, int length, int mask, long start, long end, int typeWord) {
        // bpf_ktime_get_ns() is past 0 once the machine has booted and stays below 2^63; a start
        // of 0 is a probe that lost its start. Non-short-circuit: one branch, rarely taken.
        if ((length != UPSTREAM_SIZE & length != SEED_SIZE) | (start <= 0) | (end < start)
                | (end - start > DurationHistogram.MAX_NANOS)) {
            invalid(length, start, end);
            return;
        }
        long type = typeWord & 0xFFFF_FFFFL;
        if (!aggregator.recordValid(type, end - start)) {
            overflow(type);
            return;
        }
        RecordListener[] ls = listeners;
        if (ls.length != 0) {
            long pidTgid = length == UPSTREAM_SIZE
                    ? data.getLong((int) ((position + ProbeLayout.RECORD_PID_TGID_OFFSET) & mask)) : 0;
            tell(ls, type, start, end, pidTgid);
        }
    }

    private void tell(RecordListener[] ls, long type, long start, long end, long pidTgid) {
        for (RecordListener l : ls) {
            try {
                l.onRecord(type, start, end, pidTgid);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                aggregator.recordListenerError();
                LOG.warn("record listener {} threw; the reader goes on and counts it", l, t);
            }
        }
    }

    private void invalid(int length, long start, long end) {
        aggregator.recordInvalid();
        if (saidInvalid) {
            return;
        }
        saidInvalid = true;
        log.report("invalid", "counted", true, () -> "kmesh_perf_info holds "
                + (length != UPSTREAM_SIZE && length != SEED_SIZE
                        ? "a record of " + length + " bytes (known layouts: 24 and 32 bytes)"
                        : "a record of start " + start + " and end " + end + " (a duration runs from a start past 0 to "
                                + "an end no earlier and at most " + DurationHistogram.MAX_NANOS + " ns later)")
                + "; it and any further invalid record are counted in records.invalid, this message is logged once");
    }

    private void overflow(long type) {
        if (saidOverflow) {
            return;
        }
        saidOverflow = true;
        log.report("type overflow", "counted", true, () -> "operation type " + type
                + " is past the cap of distinct operation types (maxOperationTypes): its records and those of any"
                + " further type are counted in records.typeOverflow only; this message is logged once");
    }

    /** Adds a listener; records are passed to it from the next one on. */
    public synchronized void addListener(RecordListener listener) {
        RecordListener[] ls = Arrays.copyOf(listeners, listeners.length + 1);
        ls[ls.length - 1] = listener;
        listeners = ls;
    }

    /** Removes one registration of {@code listener}. */
    public synchronized void removeListener(RecordListener listener) {
        RecordListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] == listener) {
                RecordListener[] fewer = new RecordListener[ls.length - 1];
                System.arraycopy(ls, 0, fewer, 0, i);
                System.arraycopy(ls, i + 1, fewer, i, ls.length - i - 1);
                listeners = fewer;
                return;
            }
        }
    }
}
