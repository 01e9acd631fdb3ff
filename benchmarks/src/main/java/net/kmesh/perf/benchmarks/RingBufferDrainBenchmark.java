package net.kmesh.perf.benchmarks;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.ringbuf.RecordHandler;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;
import net.kmesh.perf.bpf.ringbuf.RingReader;
import net.kmesh.perf.bpf.samples.BundledSamples;
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
 * by the bundled producer and rewound before every run, read by:
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
 * </ul>
 * Scores are nanoseconds per record.
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

    private BundledSamples samples;
    private RingBuffer ring;
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
        samples = BundledSamples.open(new RecordSource.Samples(RING_BYTES), SampleOptions.none(), new ArrayList<>(),
                EnumSet.noneOf(Feature.class));
        int ringFd = samples.object().mapFd(BundledSamples.RING_MAP);
        SampleWorkload.Result r = samples.produce(1, RECORDS, SampleWorkload.Mode.SYNTHETIC, 1000);
        if (r.emitted() != RECORDS) {
            throw new IllegalStateException("the ring did not take every record: " + r);
        }
        ring = RingBuffer.map(ringFd);
        reader = ring.reader();
        start = reader.consumerPosition();
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
        samples.close();
    }

    private static void check(long got) {
        if (got != RECORDS) {
            throw new IllegalStateException("drained " + got + " records, not " + RECORDS);
        }
    }

    @Benchmark
    public long javaReader() {
        reader.rewind(start);
        int n = reader.drain(decoder);
        check(n);
        return n;
    }

    @Benchmark
    public long javaReaderSum() {
        reader.rewind(start);
        sum.count = 0;
        reader.drain(sum);
        check(sum.count);
        return sum.sum;
    }

    @Benchmark
    public long cConsume() {
        long n = harness.kp_bench_drain(bench, start);
        check(n);
        return n;
    }

    @Benchmark
    public long cConsumeAggregate() {
        long n = harness.kp_bench_drain_aggregate(bench, start);
        check(n);
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(2 * RECORDS)
    public long interleaved(Sides sides) {
        sides.javaFirst = !sides.javaFirst;
        long t0 = System.nanoTime();
        long first = sides.javaFirst ? javaReaderSum() : cConsume();
        long t1 = System.nanoTime();
        long second = sides.javaFirst ? cConsume() : javaReaderSum();
        long t2 = System.nanoTime();
        sides.javaNanos += sides.javaFirst ? t1 - t0 : t2 - t1;
        sides.cNanos += sides.javaFirst ? t2 - t1 : t1 - t0;
        return first + second;
    }

    @Benchmark
    public long jnaCallbackPerRecord() {
        reader.rewind(start);
        jnaCount = 0;
        libbpf.ring_buffer__consume(jnaRing);
        check(jnaCount);
        return jnaCount;
    }
}
