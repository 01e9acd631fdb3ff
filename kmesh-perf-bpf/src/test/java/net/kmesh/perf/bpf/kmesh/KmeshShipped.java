package net.kmesh.perf.bpf.kmesh;

import com.sun.jna.Memory;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.TestRun;

/**
 * A stand-in for Kmesh as it ships ({@code bpf/test/kmesh_shipped.bpf.c}): only the probe maps
 * Kmesh defines ({@code km_perf_info}, a 4 KiB ring; {@code km_perf_map}, starts keyed by socket
 * cookie), its log ring {@code km_log_event} and one other map, no counter map. Built without the
 * probe (Kmesh's default: the maps pinned, no program writes them) or with it (failed reserves only
 * logged). In workload mode every map is pinned under {@code <bpffs>/bpf_kmesh_workload/map/}; in
 * ads mode only the log ring and the other map, under {@code <bpffs>/bpf_kmesh/map/}: ads mode has
 * no probe. Run it on a {@link PrivateBpffs}. {@link #close()} unpins and releases everything.
 */
public final class KmeshShipped implements PinnedKmeshMaps, AutoCloseable {
    public static final String RING = "km_perf_info";
    public static final String STARTS = "km_perf_map";
    public static final String LOG = "km_log_event";
    public static final String FRONTEND = "km_frontend";
    /** The text of the log event Kmesh writes when its ring has no room. */
    public static final String RESERVE_FAILED = "[PROBE] ERR: bpf_ringbuf_reserve map proformance info failed\n";

    private static final String PROGRAM = "km_shipped_run";

    /**
     * What one {@link #connects} call did.
     *
     * @param recorded ring records written
     * @param logged   failed reserves logged into {@code km_log_event}
     * @param unlogged failed reserves whose log event found no room either
     */
    public record Result(long recorded, long logged, long unlogged) {
    }

    private final KmeshStandIn.Mode mode;
    private final KmeshPins pins;
    private long nextCookie = 1L << 62;

    private KmeshShipped(Path bpffs, KmeshStandIn.Mode mode) {
        this.mode = mode;
        this.pins = new KmeshPins(bpffs, mode);
    }

    /** Loads Kmesh built with ({@code probe}) or without its probe, pinned where {@code mode} pins. */
    public static KmeshShipped start(Path bpffs, KmeshStandIn.Mode mode, boolean probe) {
        KmeshShipped k = new KmeshShipped(bpffs, mode);
        try {
            k.pins.createDirectories();
            k.load(probe);
            return k;
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
    }

    private List<String> pinned() {
        return mode == KmeshStandIn.Mode.ADS ? List.of(FRONTEND, LOG) : List.of(RING, STARTS, LOG, FRONTEND);
    }

    private void load(boolean probe) {
        String resource = "/net/kmesh/perf/bpf/kmesh_shipped_" + (probe ? "probe" : "noprobe") + ".bpf.o";
        BpfObject o = BpfObject.openResource(KmeshShipped.class, resource, "kmesh_shipped");
        pins.hold(o);
        o.load(Capability.CAP_BPF, Capability.CAP_PERFMON);
        pins.pin(o, pinned());
    }

    @Override
    public Path mapDirectory() {
        return pins.directory();
    }

    @Override
    public synchronized int mapFd(String map) {
        return pins.loaded().mapFd(map);
    }

    /** Runs {@code n} traffic-controlled connects, start and end, as Kmesh's connect program would. */
    public synchronized Result connects(int n) {
        return run(n, false, 0);
    }

    /**
     * Runs only the starts of {@code n} connects, stamped {@code startNs} (CLOCK_MONOTONIC; 0: now):
     * starts that never end, as a connect whose traffic control failed leaves them.
     */
    public synchronized Result startsOnly(int n, long startNs) {
        return run(n, true, startNs);
    }

    private Result run(int n, boolean startsOnly, long startNs) {
        // struct km_shipped_args { u32 count, starts_only; u64 cookie_base, start_ns, recorded, logged, unlogged; }
        try (Memory args = new Memory(48)) {
            args.clear();
            args.setInt(0, n);
            args.setInt(4, startsOnly ? 1 : 0);
            args.setLong(8, nextCookie);
            args.setLong(16, startNs);
            nextCookie += n;
            TestRun.run(pins.loaded().programFd(PROGRAM), args, "running " + PROGRAM);
            return new Result(args.getLong(24), args.getLong(32), args.getLong(40));
        }
    }

    /** Pins {@code map} again, after a test removed its pin: a map pinned after the monitor started. */
    public synchronized void pinAgain(String map) {
        pins.pin(pins.loaded(), List.of(map));
    }

    /** Restarts as Kmesh's daemon does, into a build with ({@code probe}) or without its probe. */
    public synchronized void restart(boolean probe) {
        pins.release();
        load(probe);
    }

    @Override
    public synchronized void close() {
        pins.close();
    }
}
