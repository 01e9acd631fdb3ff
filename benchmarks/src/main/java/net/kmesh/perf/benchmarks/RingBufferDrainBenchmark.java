package net.kmesh.perf.benchmarks;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.TestRun;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.ringbuf.RecordHandler;
import net.kmesh.perf.bpf.ringbuf.RingReader;
import net.kmesh.perf.testing.RewindableRing;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Drain rate of one real kernel ring buffer, pre-filled once with {@link #RECORDS} 32-byte records
 * by the bundled sample producer ({@code kp_produce}) and rewound before every run, read by:
 * <ul>
 *   <li>{@code javaReader}: kmesh-perf's reader and decoder into per-type histograms (the real path);</li>
 *   <li>{@code javaReaderSum}: kmesh-perf's reader with a handler that only sums durations;</li>
 *   <li>{@code cConsume}: libbpf's {@code ring_buffer__consume} in C, its callback summing durations;</li>
 *   <li>{@code cConsumeAggregate}: the same in C, its callback doing the decoder's and aggregator's work
 *       (layout and validity checks, per-type histogram of the same log-linear layout);</li>
 *   <li>{@code jnaCallbackPerRecord}: {@code ring_buffer__consume} called from Java with a JNA callback;</li>
 *   <li>{@code interleaved}: {@code cConsume} and {@code javaReaderSum} back to back in every invocation,
 *       in alternating order, each side timed into the auxiliary counters {@code cNanos} and
 *       {@code javaNanos}: both sides see the same machine, so their ratio holds when a shared
 *       machine slows everything for a while.</li>
 *   <li>{@code interleavedAggregate}: {@code cConsumeAggregate} and {@code javaReader} likewise: the real
 *       path against C doing the same work, side by side.</li>
 * </ul>
 * Scores are nanoseconds per record.
 *
 * <p>The ring is this benchmark's alone: created under a name of its own ({@code kp_bench_<pid>}),
 * which the sample object reuses in place of {@code kmesh_perf_info}. A kmesh-perf monitor
 * elsewhere on the host that follows "the newest ring named kmesh_perf_info" (a test, a demo run
 * with {@code --ringbuf-map}) used to pick up this ring and consume it while C and Java rewound
 * and re-read it: a run then drained fewer records than were written. Every run still checks its
 * count, and a wrong count names where it stopped and which other processes hold the ring.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(RingBufferDrainBenchmark.RECORDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RingBufferDrainBenchmark {
    static final int RECORDS = 1 << 20;
    private static final int RING_BYTES = 1 << 26;
    private static final String SAMPLES = "/net/kmesh/perf/bpf/kmesh_perf_samples.bpf.o";
    private static final String[] OTHER_PROGRAMS = {"kp_connect4", "kp_span_enter", "kp_span_exit",
        "kp_span_enter_raw", "kp_span_exit_raw"};
    private static final int KP_PRODUCE_SYNTHETIC = 3;

    private Fd ringMap;
    private MapInfo ringInfo;
    private BpfObject producer;
    private RewindableRing ring;
    private RingReader reader;
    private long start;
    private RecordDecoder decoder;
    private SumHandler sum;
    private NativeRingHarness.Harness harness;
    private Pointer bench;
    private NativeRingHarness.RingBufferApi libbpf;
    private Pointer jnaRing;
    private long jnaCount;
    private NativeRingHarness.RingBufferApi.SampleFn jnaCallback;

    /** The time of each side of {@link #interleaved}, summed over an iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Sides {
        public long cNanos;
        public long javaNanos;
        boolean javaFirst;
    }

    /** Sums durations of 32-byte records: the work the C callback does. */
    static final class SumHandler implements RecordHandler {
        long sum;
        long count;

        @Override
        public void onRecord(ByteBuffer data, long position, int length, int mask) {
            long s = data.getLong((int) (position & mask));
            long e = data.getLong((int) ((position + 8) & mask));
            if (length == 32 && e >= s) {
                sum += e - s;
                count++;
            }
        }
    }

    @Setup(Level.Trial)
    public void fill() throws Exception {
        Libbpf bpf = LibbpfLoader.natives().libbpf();
        String name = "kp_bench_" + ProcessHandle.current().pid() % 100_000;
        ringMap = Fd.own(Errno.check("creating ring buffer " + name,
                bpf.bpf_map_create(MapType.RINGBUF, name, 0, 0, RING_BYTES, null)));
        ringInfo = MapInfo.of(ringMap.get());
        producer = BpfObject.openResource(BpfObject.class, SAMPLES, "kp_ring_bench");
        for (String p : OTHER_PROGRAMS) {
            producer.setAutoload(p, false);
        }
        Errno.check("making kmesh_perf_info reuse " + name,
                bpf.bpf_map__reuse_fd(producer.map("kmesh_perf_info"), ringMap.get()));
        producer.load();
        // struct kp_produce_args { u32 operation_type, count, mode, synthetic_ns; u64 emitted, dropped, histogrammed; }
        try (Memory args = new Memory(40)) {
            args.clear();
            args.setInt(0, 1);
            args.setInt(4, RECORDS);
            args.setInt(8, KP_PRODUCE_SYNTHETIC);
            args.setInt(12, 1000);
            TestRun.run(producer.programFd("kp_produce"), args, "running kp_produce");
            if (args.getLong(16) != RECORDS) {
                throw new IllegalStateException("the ring took " + args.getLong(16) + " of " + RECORDS + " records");
            }
        }
        int ringFd = ringMap.get();
        ring = new RewindableRing(ringFd);
        start = ring.start();
        reader = ring.rewound();
        decoder = new RecordDecoder(new OperationAggregator(64));
        sum = new SumHandler();
        harness = NativeRingHarness.compileAndLoad();
        bench = harness.kp_bench_open(ringFd);
        if (bench == null) {
            throw new IllegalStateException("kp_bench_open failed");
        }
        libbpf = NativeRingHarness.libbpf();
        jnaCallback = (ctx, data, size) -> {
            long s = data.getLong(0);
            long e = data.getLong(8);
            if (size == 32 && e >= s) {
                jnaCount++;
            }
            return 0;
        };
        jnaRing = libbpf.ring_buffer__new(ringFd, jnaCallback, null, null);
    }

    @TearDown(Level.Trial)
    public void release() {
        libbpf.ring_buffer__free(jnaRing);
        harness.kp_bench_close(bench);
        ring.close();
        producer.close();
        ringMap.close();
    }

    private void check(String side, long got) {
        if (got != RECORDS) {
            throw new IllegalStateException(side + " drained " + got + " records, not " + RECORDS
                    + ": it stopped at consumer position " + harness.kp_bench_consumer_pos(bench) + " (rewound to " + start
                    + "), producer position " + reader.producerPosition() + "; the ring (map id " + ringInfo.id() + ", '"
                    + ringInfo.name() + "') is also open in " + otherHolders(ringInfo.id())
                    + ": nothing else may read it while the benchmark runs");
        }
    }

    /** The other processes holding map {@code id} open, from /proc/PID/fdinfo: who else may read the ring. */
    static List<String> otherHolders(int id) {
        List<String> holders = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (Long.parseLong(proc.getFileName().toString()) != self && holds(proc, id)) {
                    holders.add(proc.getFileName() + " (" + comm(proc) + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            holders.add("? (/proc unreadable: " + e + ")");
        }
        return holders;
    }

    private static boolean holds(Path proc, int id) {
        try (Stream<Path> fds = Files.list(proc.resolve("fdinfo"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readAllLines(fd).contains("map_id:\t" + id)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // exited meanwhile
        }
        return false;
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    @Benchmark
    public long javaReader() {
        reader = ring.rewound();
        int n = reader.drain(decoder);
        check("javaReader", n);
        return n;
    }

    @Benchmark
    public long javaReaderSum() {
        reader = ring.rewound();
        sum.count = 0;
        reader.drain(sum);
        check("javaReaderSum", sum.count);
        return sum.sum;
    }

    @Benchmark
    public long cConsume() {
        long n = harness.kp_bench_drain(bench, start);
        check("cConsume", n);
        return n;
    }

    @Benchmark
    public long cConsumeAggregate() {
        long n = harness.kp_bench_drain_aggregate(bench, start);
        check("cConsumeAggregate", n);
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(2 * RECORDS)
    public long interleaved(Sides sides) {
        return inTurn(sides, false);
    }

    /** The real path and C doing its work, in turn in every invocation, timed into {@link Sides}. */
    @Benchmark
    @OperationsPerInvocation(2 * RECORDS)
    public long interleavedAggregate(Sides sides) {
        return inTurn(sides, true);
    }

    /** Java and C in turn, the first alternating, each side's time added to {@code sides}. */
    private long inTurn(Sides sides, boolean aggregate) {
        sides.javaFirst = !sides.javaFirst;
        long t0 = System.nanoTime();
        long first = sides.javaFirst ? java(aggregate) : c(aggregate);
        long t1 = System.nanoTime();
        long second = sides.javaFirst ? c(aggregate) : java(aggregate);
        long t2 = System.nanoTime();
        sides.javaNanos += sides.javaFirst ? t1 - t0 : t2 - t1;
        sides.cNanos += sides.javaFirst ? t2 - t1 : t1 - t0;
        return first + second;
    }

    private long java(boolean aggregate) {
        return aggregate ? javaReader() : javaReaderSum();
    }

    private long c(boolean aggregate) {
        return aggregate ? cConsumeAggregate() : cConsume();
    }

    @Benchmark
    public long jnaCallbackPerRecord() {
        reader = ring.rewound();
        jnaCount = 0;
        libbpf.ring_buffer__consume(jnaRing);
        check("jnaCallbackPerRecord", jnaCount);
        return jnaCount;
    }
}
