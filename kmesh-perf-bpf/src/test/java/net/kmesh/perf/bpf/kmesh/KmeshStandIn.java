package net.kmesh.perf.bpf.kmesh;

import com.sun.jna.Memory;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.TestRun;

/**
 * A stand-in for a running Kmesh ({@code bpf/test/kmesh_standin.bpf.c}): the probe built with
 * Kmesh's renaming ({@code km_perf_info}, a 4 KiB ring; {@code km_perf_map}, the compat LRU hash of
 * 4,096 entries keyed {@code {u64 socket_cookie, u32 operation_type}}; {@code km_perf_cnt},
 * {@code km_perf_mode}, {@code km_perf_hist}, {@code km_perf_slot}), Kmesh-style maps beside them ({@code km_frontend}, the
 * prog_array {@code km_cgr_tailcall}, the array_of_maps {@code km_outer} and hash_of_maps
 * {@code km_maglev_outer} with their inner maps, one slot of each filled), every map pinned by name
 * where Kmesh pins it: {@code <bpffs>/bpf_kmesh_workload/map/} (workload mode) or
 * {@code <bpffs>/bpf_kmesh/map/} (ads mode). Run it on a {@link PrivateBpffs}, never on the
 * host's bpffs, where a real Kmesh may live.
 *
 * <p>Owns the BPF object, its link and its pins; {@link #close()} unpins and releases them all.
 */
public final class KmeshStandIn implements PinnedKmeshMaps, AutoCloseable {
    /** Where Kmesh pins its maps under its {@code --bpf-fs-path}. */
    public enum Mode {
        WORKLOAD("bpf_kmesh_workload"),
        ADS("bpf_kmesh");

        private final String directory;

        Mode(String directory) {
            this.directory = directory;
        }

        /** The directory of the maps, relative to the bpffs: e.g. {@code bpf_kmesh_workload/map}. */
        public Path mapDirectory() {
            return Path.of(directory, "map");
        }
    }

    public static final String RING = "km_perf_info";
    public static final String STARTS = "km_perf_map";
    public static final String COUNTERS = "km_perf_cnt";
    public static final String MODES = "km_perf_mode";
    public static final String HISTOGRAMS = "km_perf_hist";
    /** The per-CPU slots where Kmesh's call sites keep a start until its end in the same program run. */
    public static final String SLOTS = "km_perf_slot";
    public static final String FRONTEND = "km_frontend";
    public static final String TAIL_CALLS = "km_cgr_tailcall";
    public static final String ARRAY_OF_MAPS = "km_outer";
    public static final String HASH_OF_MAPS = "km_maglev_outer";
    /** Every map of the stand-in, each pinned under its name. */
    public static final List<String> MAPS = List.of(RING, STARTS, COUNTERS, MODES, HISTOGRAMS, SLOTS, FRONTEND, TAIL_CALLS,
            ARRAY_OF_MAPS, "km_inner_a", HASH_OF_MAPS, "km_inner_b");
    /** The ring's size: Kmesh's RINGBUF_SIZE. */
    public static final int RING_BYTES = 4096;
    /** The operation type of the connect program: SOCK_TRAFFIC_CONTROL. */
    public static final int SOCK_TRAFFIC_CONTROL = 1;
    /** The slot of {@link #TAIL_CALLS}, {@link #ARRAY_OF_MAPS} and key of {@link #HASH_OF_MAPS} filled at load. */
    public static final int TAIL_SLOT = 0;
    public static final int OUTER_SLOT = 1;
    public static final int MAGLEV_KEY = 3;
    /** bpf_loop's limit on the operations of one {@link #produce} call. */
    public static final int MAX_PRODUCE = 1 << 23;

    private static final String RESOURCE = "/net/kmesh/perf/bpf/kmesh_standin.bpf.o";
    private static final String CONNECT_PROGRAM = "km_connect4";
    private static final String PRODUCE_PROGRAM = "km_produce";

    /**
     * What one {@link #produce} call did.
     *
     * @param recorded ring records written
     * @param dropped  records lost to a full ring (also counted in {@code km_perf_cnt})
     * @param counted  operations counted in the in-kernel histogram (the type is in HISTOGRAM mode)
     * @param skipped  operations of a type that is OFF
     */
    public record Result(long recorded, long dropped, long counted, long skipped) {
    }

    private final Path bpffs;
    private final KmeshPins pins;
    private Path connectCgroup;
    /** Far above the kernel's socket cookies, which count up from 1. */
    private long nextCookie = 1L << 62;

    private KmeshStandIn(Path bpffs, Mode mode) {
        this.bpffs = bpffs;
        this.pins = new KmeshPins(bpffs, mode);
    }

    /** Loads the stand-in and pins its maps under {@code <bpffs>/bpf_kmesh_workload/map/}. */
    public static KmeshStandIn start(Path bpffs) {
        return start(bpffs, Mode.WORKLOAD);
    }

    /**
     * Loads the stand-in and pins its maps where Kmesh in {@code mode} pins them under {@code bpffs}.
     *
     * @throws IllegalStateException when one of the pins exists already (another data plane lives there)
     */
    public static KmeshStandIn start(Path bpffs, Mode mode) {
        KmeshStandIn standIn = new KmeshStandIn(bpffs, mode);
        try {
            standIn.pins.createDirectories();
            standIn.load();
            return standIn;
        } catch (RuntimeException e) {
            standIn.close();
            throw e;
        }
    }

    private void load() {
        pins.requireFree(MAPS);
        BpfObject o = BpfObject.openResource(KmeshStandIn.class, RESOURCE, "kmesh_standin");
        pins.hold(o);
        o.load(Capability.CAP_BPF, Capability.CAP_PERFMON, Capability.CAP_NET_ADMIN);
        pins.pin(o, MAPS);
        if (connectCgroup != null) {
            attach(connectCgroup);
        }
    }

    /** The bpffs the stand-in pins in: what a monitor finds Kmesh by. */
    public Path bpffs() {
        return bpffs;
    }

    @Override
    public Path mapDirectory() {
        return pins.directory();
    }

    @Override
    public synchronized int mapFd(String map) {
        return pins.loaded().mapFd(map);
    }

    /** Which of the probe's socket-keyed calls {@code km_produce} times an operation with. */
    public enum Call {
        /** {@code kmesh_perf_cookie_start}/{@code _end}: the start in {@code km_perf_map}. */
        SOCK,
        /** {@code kmesh_perf_run_start}/{@code _end}, as Kmesh's call sites: the start in the CPU's slot. */
        RUN,
        /** {@link #RUN}, each operation inside another of its type on the same CPU (two records each). */
        NESTED,
        /** {@link #RUN} with the slot's start changed between start and end, as a preempted writer leaves it. */
        TORN
    }

    /**
     * Runs {@code n} operations of {@code type} at once through the socket-keyed start and end, in
     * the kernel, on this thread (records carry this process's pid_tgid), as Kmesh's connect
     * program would on {@code n} sockets.
     */
    public synchronized Result produce(long type, int n) {
        return run(type, n, false, Call.SOCK);
    }

    /**
     * Runs only the starts of {@code n} operations of {@code type}: {@code n} entries stay in
     * {@code km_perf_map}, as a Kmesh operation that failed before its end leaves its start.
     */
    public synchronized Result produceStarts(long type, int n) {
        return run(type, n, true, Call.SOCK);
    }

    /** Runs {@code n} operations of {@code type} through {@code call}; with {@code startsOnly}, their starts. */
    public synchronized Result produce(long type, int n, Call call, boolean startsOnly) {
        return run(type, n, startsOnly, call);
    }

    private Result run(long type, int n, boolean startsOnly, Call call) {
        if (n < 1 || n > MAX_PRODUCE) {
            throw new IllegalArgumentException("n must be between 1 and " + MAX_PRODUCE + ", got " + n);
        }
        if (type < 0 || type > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("type must be an unsigned 32-bit value, got " + type);
        }
        // struct km_produce_args { u32 operation_type, count, starts_only, path; u64 cookie_base;
        //                          u64 recorded, dropped, counted, skipped; }
        try (Memory args = new Memory(56)) {
            args.clear();
            args.setInt(0, (int) type);
            args.setInt(4, n);
            args.setInt(8, startsOnly ? 1 : 0);
            args.setInt(12, call.ordinal());
            args.setLong(16, nextCookie);
            nextCookie += n;
            TestRun.run(pins.loaded().programFd(PRODUCE_PROGRAM), args, "running " + PRODUCE_PROGRAM);
            return new Result(args.getLong(24), args.getLong(32), args.getLong(40), args.getLong(48));
        }
    }

    /**
     * Attaches the connect program to the cgroup v2 directory {@code cgroup}, again after every
     * {@link #restart()}. A connect to an address of {@link #addFrontend} writes one
     * SOCK_TRAFFIC_CONTROL record; any other leaves its start in {@code km_perf_map}, as Kmesh does.
     */
    public synchronized void attachConnect(Path cgroup) {
        if (connectCgroup != null) {
            throw new IllegalStateException("the connect program is attached to " + connectCgroup + " already");
        }
        attach(cgroup);
        connectCgroup = cgroup;
    }

    private void attach(Path cgroup) {
        LibC libc = LibbpfLoader.natives().libc();
        int fd = libc.open(cgroup.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Errno.failure("opening cgroup " + cgroup, Errno.last());
        }
        try {
            pins.loaded().attachCgroup(CONNECT_PROGRAM, fd);
        } finally {
            libc.close(fd);
        }
    }

    /** Makes {@code address} a frontend (a service Kmesh manages), so that connects to it end their operation. */
    public synchronized void addFrontend(Inet4Address address) {
        // struct km_ip_addr { union { u32 ip4; u32 ip6[4]; }; } -> u32 upstream id
        try (Memory key = new Memory(16); Memory value = new Memory(4)) {
            key.clear();
            key.write(0, address.getAddress(), 0, 4);
            value.setInt(0, 1);
            Errno.check("adding frontend " + address.getHostAddress(),
                    LibbpfLoader.natives().libbpf().bpf_map_update_elem(mapFd(FRONTEND), key, value, 0));
        }
    }

    /**
     * Restarts as Kmesh's daemon does: unpins and releases every map and program, loads again, and
     * pins the new maps at the same paths (new map ids, empty maps, modes back to RECORD), attaching
     * the connect program again where it was.
     */
    public synchronized void restart() {
        pins.release();
        load();
    }



    /** Unpins every map, detaches and unloads everything, and removes the directories it created. */
    @Override
    public synchronized void close() {
        pins.close();
        connectCgroup = null;
    }

    @Override
    public String toString() {
        return "KmeshStandIn[" + mapDirectory() + (pins.closed() ? ", closed" : "") + "]";
    }
}
