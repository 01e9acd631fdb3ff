package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.TestRun;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;

/**
 * Reads and writes the probe's maps of a loaded object directly, as the kernel lays them out
 * ({@link ProbeLayout}), and runs programs with {@code BPF_PROG_TEST_RUN}: what the variant tests
 * check the C side with, independent of the monitor. Tests only; public for the stand-in's tests.
 */
public final class RawProbeMaps {

    /** A record of the ring, decoded as {@link ProbeLayout} says. */
    public record Record(long startNs, long endNs, long pidTgid, int operationType) {
        public long tgid() {
            return pidTgid >>> 32;
        }

        public long tid() {
            return pidTgid & 0xffff_ffffL;
        }
    }

    private RawProbeMaps() {
    }

    private static Libbpf libbpf() {
        return LibbpfLoader.natives().libbpf();
    }

    /** Every record now in the ring behind {@code ringFd}, consumed. */
    public static List<Record> drain(int ringFd) {
        List<Record> records = new ArrayList<>();
        try (RingBuffer ring = RingBuffer.map(ringFd)) {
            ring.reader().drain((data, position, length, mask) -> {
                if (length != ProbeLayout.RECORD_SIZE) {
                    throw new AssertionError("a record of " + length + " bytes, not " + ProbeLayout.RECORD_SIZE);
                }
                ByteBuffer b = data.duplicate().order(ByteOrder.nativeOrder());
                records.add(new Record(b.getLong((int) (position & mask)), b.getLong((int) ((position + 8) & mask)),
                        b.getLong((int) ((position + ProbeLayout.RECORD_PID_TGID_OFFSET) & mask)),
                        b.getInt((int) ((position + ProbeLayout.RECORD_TYPE_OFFSET) & mask))));
            });
        }
        return records;
    }

    /** Writes {@code mode} for {@code type} into the mode map behind {@code modeFd}. */
    public static void setMode(int modeFd, int type, OperationMode mode) {
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, type);
            value.setInt(0, mode.kernelValue());
            Errno.check("setting the mode of type " + type, libbpf().bpf_map_update_elem(modeFd, key, value, 0));
        }
    }

    /** The keys of the hash map behind {@code fd}. */
    public static List<ByteBuffer> keys(int fd) {
        int keySize = MapInfo.of(fd).keySize();
        List<ByteBuffer> keys = new ArrayList<>();
        try (Memory key = new Memory(keySize); Memory next = new Memory(keySize)) {
            Memory previous = null;
            while (libbpf().bpf_map_get_next_key(fd, previous, next) == 0) {
                keys.add(ByteBuffer.wrap(next.getByteArray(0, keySize)).order(ByteOrder.nativeOrder()));
                key.write(0, next.getByteArray(0, keySize), 0, keySize);
                previous = key;
            }
        }
        return keys;
    }

    /** Deletes every entry of the hash map behind {@code fd}. */
    public static void clear(int fd) {
        for (ByteBuffer k : keys(fd)) {
            try (Memory key = new Memory(k.capacity())) {
                key.write(0, k.array(), 0, k.capacity());
                libbpf().bpf_map_delete_elem(fd, key);
            }
        }
    }

    /** The sum over CPUs of per-CPU u64 slot {@code slot} of the array behind {@code fd}. */
    public static long perCpuSum(int fd, int slot) {
        return perCpuSum(fd, slot, 0, 8);
    }

    /**
     * The sum over CPUs of the u64 at {@code offset} of slot {@code slot} of the per-CPU array
     * behind {@code fd}, whose values are {@code valueSize} bytes.
     */
    public static long perCpuSum(int fd, int slot, int offset, int valueSize) {
        int cpus = libbpf().libbpf_num_possible_cpus();
        int stride = (valueSize + 7) & ~7;
        try (Memory key = new Memory(4); Memory values = new Memory((long) stride * cpus)) {
            key.setInt(0, slot);
            Errno.check("reading slot " + slot, libbpf().bpf_map_lookup_elem(fd, key, values));
            long sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                sum += values.getLong((long) stride * cpu + offset);
            }
            return sum;
        }
    }

    /**
     * The starts waiting in the per-CPU slots of {@code kmesh_perf_slot} behind {@code fd}, over
     * every CPU and slot: each as {socket cookie, operation type}.
     */
    public static List<long[]> slotStarts(int fd) {
        int cpus = libbpf().libbpf_num_possible_cpus();
        List<long[]> starts = new ArrayList<>();
        try (Memory key = new Memory(4); Memory values = new Memory((long) ProbeLayout.SLOT_VALUE_SIZE * cpus)) {
            for (int slot = 0; slot < ProbeLayout.SLOT_TYPES; slot++) {
                key.setInt(0, slot);
                Errno.check("reading slot " + slot, libbpf().bpf_map_lookup_elem(fd, key, values));
                for (int cpu = 0; cpu < cpus; cpu++) {
                    long base = (long) ProbeLayout.SLOT_VALUE_SIZE * cpu;
                    if (values.getInt(base + ProbeLayout.SLOT_CHECK_OFFSET) != 0) {
                        starts.add(new long[] {values.getLong(base + ProbeLayout.SLOT_COOKIE_OFFSET),
                            values.getInt(base + ProbeLayout.SLOT_TYPE_OFFSET) & 0xFFFF_FFFFL});
                    }
                }
            }
        }
        return starts;
    }

    /** The number of operations kmesh_perf_hist[type] counted: the sum of its buckets over CPUs. */
    public static long histogramCount(int histFd, int type) {
        long count = 0;
        for (int b = 0; b < ProbeLayout.HIST_BUCKETS; b++) {
            count += perCpuSum(histFd, type, ProbeLayout.HIST_BUCKETS_OFFSET + 8 * b, ProbeLayout.HIST_VALUE_SIZE);
        }
        return count;
    }

    /** Runs the program behind {@code progFd} once on {@code packet} (xdp, tc, cgroup_skb); its return value. */
    public static int runOnPacket(int progFd, byte[] packet) {
        return TestRun.runOnPacket(progFd, packet, "running a program on a packet");
    }

    /** Runs the program behind {@code progFd} once without context (raw_tp, syscall); its return value. */
    public static int run(int progFd) {
        return TestRun.run(progFd, null, "running a program");
    }

    /** An Ethernet frame holding an IPv4 TCP SYN from 10.0.0.1:40000 to 10.0.0.2:80. */
    public static byte[] tcpSyn() {
        ByteBuffer p = ByteBuffer.allocate(14 + 20 + 20).order(ByteOrder.BIG_ENDIAN);
        p.put(new byte[] {2, 0, 0, 0, 0, 2}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        p.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).put(new byte[] {10, 0, 0, 1})
                .put(new byte[] {10, 0, 0, 2});
        p.putShort((short) 40000).putShort((short) 80).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        return p.array();
    }
}
