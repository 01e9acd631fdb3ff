package net.kmesh.perf.benchmarks;

import com.sun.jna.Memory;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import net.kmesh.perf.bpf.libbpf.TestRun;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-kernel cost of observing one operation, for each way the probe can time it: the bundled
 * {@code SEC("syscall")} producer runs {@link #OPS} operations per {@code BPF_PROG_TEST_RUN}, and
 * the kernel's own run-time statistics ({@code run_time_ns} of the program, with
 * {@code BPF_ENABLE_STATS} held) are added to the auxiliary counters {@code kernelNanos} and
 * {@code kernelOps}: kernel ns per operation = kernelNanos / kernelOps. The primary score (wall
 * ns per operation, system call included) agrees with it within the call's cost spread over
 * {@value #OPS} operations. A running monitor drains the records, as it would in production.
 *
 * <ul>
 *   <li>{@code baseline}: the producer's loop with no probe;</li>
 *   <li>{@code clockReads}: two {@code bpf_ktime_get_ns()}, the floor of any probe that times an operation;</li>
 *   <li>{@code seedMap}: {@code KMESH_PERF_START}/{@code _END} through {@code kmesh_perf_map} (the seed's design);</li>
 *   <li>{@code scoped}: {@code kmesh_perf_scope_begin}/{@code _end}, the start on the stack;</li>
 *   <li>{@code histogram}: scoped, for a type in histogram mode (no ring-buffer record);</li>
 *   <li>{@code arrayLookup}: one lookup of the type's mode and a compare, the reference for the switch;</li>
 *   <li>{@code offSeed}, {@code offScoped}: the seed's and the scoped probe for a type switched OFF
 *       through {@code kmesh_perf_mode} (no clock read, no map traffic): target, at most one array
 *       lookup per probe call over {@code baseline} (scoped makes one call, start/end two);</li>
 *   <li>{@code cookieMap}: Kmesh's call shape as {@code KMESH_PERF_KMESH_COMPAT} builds it: its
 *       call sites start and end an operation in one program run, so the start waits in the
 *       CPU's slot ({@code kmesh_perf_run_start}/{@code _end}) with its socket cookie, a fresh
 *       cookie per operation, in {@code bpf/bench/kp_cookie_bench.bpf.c}'s {@code SEC("syscall")}
 *       producer writing into the same ring ({@code BPF_PROG_TEST_RUN} cannot run
 *       {@code cgroup/connect4}); {@code cookieBaseline} is that producer's loop alone, the floor
 *       it is measured past;</li>
 *   <li>{@code cookieBesideSeed}: {@code seedMap}, {@code baseline}, {@code cookieMap},
 *       {@code cookieBaseline} and the sock variants (the start in the LRU hash of 4,096 keyed
 *       {socket cookie, op}, for a start and an end in different program runs) in turn in every
 *       invocation, so that the ratios to the seed's are taken per iteration, all sides under the
 *       same host (see {@link SideBySide});</li>
 *   <li>{@code cookieUpstreamMap}: the sock variants over upstream Kmesh's exact start map, a hash
 *       of 131,072 entries without preallocation ({@code kp_cookie_bench_upstream.bpf.o}). It costs
 *       more because every fresh cookie lands in a bucket of its own among 131,072 (16 bytes each,
 *       a 2 MiB array), mostly not in the cache;</li>
 *   <li>{@code cookieOneSocket}: the sock variants over the LRU hash, one cookie for all
 *       {@value #OPS} operations of a run, as {@code seedMap} reuses its one thread's key. Not
 *       Kmesh's workload: it tells the probe's own cost apart from the map's.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ProbeOverheadBenchmark.OPS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProbeOverheadBenchmark {
    static final int OPS = 8192;
    private static final String COOKIE_OBJECT = "/net/kmesh/perf/benchmarks/kp_cookie_bench.bpf.o";
    private static final String COOKIE_UPSTREAM_OBJECT = "/net/kmesh/perf/benchmarks/kp_cookie_bench_upstream.bpf.o";
    private static final int COOKIE_BASELINE = 0;
    private static final int COOKIE_PROBE = 1;
    private static final int COOKIE_ONE_SOCKET = 2;
    private static final int COOKIE_SOCK = 3;
    private static final long RECORD_TYPE = 1;
    private static final long HISTOGRAM_TYPE = 5;
    private static final int OFF_TYPE = 6;

    private PerfMonitor monitor;
    private SampleWorkload workload;
    private ProgramStatsCollector stats;
    private int producerFd;
    private BpfObject cookieProducer;
    private BpfObject upstreamProducer;
    private int cookieFd;
    private int upstreamFd;
    private Memory cookieArgs;
    private long nextCookie = 1;

    /** The kernel's account of the runs, summed over an iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Kernel {
        public long kernelNanos;
        public long kernelOps;
    }

    /**
     * Kmesh's call shape and the seed's design in turn within every invocation, each past its own
     * loop: kernel ns beyond the baseline of the seed's map ({@code seedNanos}), of Kmesh's call
     * sites as the compat header builds them ({@code cookieNanos}: the start in the CPU's slot) and
     * of the sock variants ({@code sockNanos}: the start in the cookie-keyed LRU hash), summed over
     * an iteration, {@value #OPS} operations each. Their quotients per iteration pair them under
     * the same host and the same fork.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class SideBySide {
        public long seedNanos;
        public long cookieNanos;
        public long sockNanos;
    }

    @Setup(Level.Trial)
    public void open() {
        monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                .source(RecordSource.samples(1 << 26))
                .histogramMode(HISTOGRAM_TYPE).mapStatistics(false).build()).start();
        workload = monitor.unwrap(SampleWorkload.class).orElseThrow();
        producerFd = ((BundledSamples) workload).produceProgramFd();
        switchOff(((BundledSamples) workload).object().mapFd(ProbeLayout.MODES), OFF_TYPE);
        stats = ProgramStatsCollector.open();
        cookieProducer = cookieProducer(COOKIE_OBJECT);
        cookieFd = cookieProducer.programFd("kp_cookie_produce");
        upstreamProducer = cookieProducer(COOKIE_UPSTREAM_OBJECT);
        upstreamFd = upstreamProducer.programFd("kp_cookie_produce");
        cookieArgs = new Memory(40);
    }

    /** A cookie producer loaded from {@code resource}, writing into the monitor's ring. */
    private BpfObject cookieProducer(String resource) {
        BpfObject o = BpfObject.openResource(ProbeOverheadBenchmark.class, resource, "kp_cookie_bench");
        Errno.check("making the cookie producer's ring the monitor's", LibbpfLoader.natives().libbpf().bpf_map__reuse_fd(
                o.map(ProbeLayout.RING), ((BundledSamples) workload).object().mapFd(ProbeLayout.RING)));
        o.load();
        return o;
    }

    /** Writes OFF into the samples' mode map directly: the benchmark measures the kernel side alone. */
    private static void switchOff(int modeFd, int type) {
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, type);
            value.setInt(0, OperationMode.OFF.kernelValue());
            Errno.check("switching type " + type + " off",
                    LibbpfLoader.natives().libbpf().bpf_map_update_elem(modeFd, key, value, 0));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cookieArgs.close();
        cookieProducer.close();
        upstreamProducer.close();
        stats.close();
        monitor.close();
    }

    private void run(Kernel k, long type, Mode mode) {
        k.kernelNanos += kernelNanos(type, mode);
        k.kernelOps += OPS;
    }

    /** The kernel's run time of one producer run of {@value #OPS} operations. */
    private long kernelNanos(long type, Mode mode) {
        long before = ProgInfo.of(producerFd).runTimeNanos();
        workload.produce(type, OPS, mode, 0);
        return ProgInfo.of(producerFd).runTimeNanos() - before;
    }

    @Benchmark
    public void cookieBesideSeed(SideBySide s) {
        long seed = kernelNanos(RECORD_TYPE, Mode.SEED_MAP);
        long baseline = kernelNanos(RECORD_TYPE, Mode.BASELINE);
        long cookie = cookieNanos(cookieFd, COOKIE_PROBE);
        long cookieBaseline = cookieNanos(cookieFd, COOKIE_BASELINE);
        long sock = cookieNanos(cookieFd, COOKIE_SOCK);
        s.seedNanos += seed - baseline;
        s.cookieNanos += cookie - cookieBaseline;
        s.sockNanos += sock - cookieBaseline;
    }

    @Benchmark
    public void baseline(Kernel k) {
        run(k, RECORD_TYPE, Mode.BASELINE);
    }

    @Benchmark
    public void clockReads(Kernel k) {
        run(k, RECORD_TYPE, Mode.CLOCK_READS);
    }

    @Benchmark
    public void seedMap(Kernel k) {
        run(k, RECORD_TYPE, Mode.SEED_MAP);
    }

    @Benchmark
    public void scoped(Kernel k) {
        run(k, RECORD_TYPE, Mode.SCOPED);
    }

    @Benchmark
    public void histogram(Kernel k) {
        run(k, HISTOGRAM_TYPE, Mode.SCOPED);
    }

    @Benchmark
    public void arrayLookup(Kernel k) {
        run(k, RECORD_TYPE, Mode.ARRAY_LOOKUP);
    }

    @Benchmark
    public void offSeed(Kernel k) {
        run(k, OFF_TYPE, Mode.SEED_MAP);
    }

    @Benchmark
    public void offScoped(Kernel k) {
        run(k, OFF_TYPE, Mode.SCOPED);
    }

    @Benchmark
    public void cookieBaseline(Kernel k) {
        runCookie(k, COOKIE_BASELINE);
    }

    @Benchmark
    public void cookieMap(Kernel k) {
        runCookie(k, COOKIE_PROBE);
    }

    @Benchmark
    public void cookieUpstreamMap(Kernel k) {
        runCookie(k, upstreamFd, COOKIE_SOCK);
    }

    @Benchmark
    public void cookieOneSocket(Kernel k) {
        runCookie(k, COOKIE_ONE_SOCKET);
    }

    private void runCookie(Kernel k, int mode) {
        runCookie(k, cookieFd, mode);
    }

    private void runCookie(Kernel k, int fd, int mode) {
        k.kernelNanos += cookieNanos(fd, mode);
        k.kernelOps += OPS;
    }

    /**
     * The kernel's run time of one cookie producer run of {@value #OPS} operations.
     * struct kp_cookie_args { u32 operation_type, count, mode, pad; u64 cookie_base, emitted, dropped; }
     */
    private long cookieNanos(int fd, int mode) {
        cookieArgs.clear();
        cookieArgs.setInt(0, (int) RECORD_TYPE);
        cookieArgs.setInt(4, OPS);
        cookieArgs.setInt(8, mode);
        cookieArgs.setLong(16, nextCookie);
        nextCookie += OPS;
        long before = ProgInfo.of(fd).runTimeNanos();
        TestRun.run(fd, cookieArgs, "running kp_cookie_produce");
        long nanos = ProgInfo.of(fd).runTimeNanos() - before;
        if (mode != COOKIE_BASELINE && cookieArgs.getLong(24) + cookieArgs.getLong(32) != OPS) {
            throw new IllegalStateException("the cookie probe wrote " + cookieArgs.getLong(24) + " records and dropped "
                    + cookieArgs.getLong(32) + " of " + OPS + " operations: starts went missing");
        }
        return nanos;
    }
}
