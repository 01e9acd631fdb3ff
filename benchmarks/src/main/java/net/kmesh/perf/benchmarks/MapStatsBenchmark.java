package net.kmesh.perf.benchmarks;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfDirect;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
import net.kmesh.perf.bpf.maps.MapStatsOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One scrape of map statistics over ten hash maps holding {@code totalEntries} entries in all,
 * counted by each method side by side: the kernel's counter read through the map iterator, batch
 * lookup, our key walk (one system call per entry), and Kmesh's own way today (maps listed by id,
 * then a key walk with a lookup per entry, two system calls per entry). Needs root.
 *
 * <p>The three collectors produce the full {@link MapStats} (with memlock); Kmesh's way only counts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MapStatsBenchmark {
    private static final int MAPS = 10;

    @Param({"1000", "1000000"})
    public int totalEntries;

    private final List<Fd> maps = new ArrayList<>();
    private MapSelector selector;
    private String prefix;
    private MapStatsCollector iterator;
    private MapStatsCollector batch;
    private MapStatsCollector keyWalk;

    @Setup(Level.Trial)
    public void createMaps(BenchmarkParams params) {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        // "kmesh_" + 6 hex digits + "_" + index: a prefix no other map on the machine has.
        prefix = String.format("kmesh_%06x_", ThreadLocalRandom.current().nextInt(1 << 24));
        selector = MapSelector.namePrefix(prefix);
        int perMap = totalEntries / MAPS;
        try {
            for (int m = 0; m < MAPS; m++) {
                int fd = Errno.check("creating a benchmark map",
                        libbpf.bpf_map_create(MapType.HASH, prefix + m, 4, 8, perMap, null));
                maps.add(Fd.own(fd));
                fill(libbpf, fd, perMap);
            }
            iterator = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(CountMethod.ITERATOR));
            batch = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(CountMethod.BATCH));
            keyWalk = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(CountMethod.KEY_WALK));
            // Only the method measured in this fork is checked: a walk of 1 000 000 entries takes
            // seconds, and checking all four cost every fork about 10 s of setup at that size.
            long expected = (long) perMap * MAPS;
            String measured = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            check(expected, switch (measured) {
                case "iterator" -> entries(iterator);
                case "batchLookup" -> entries(batch);
                case "keyWalk" -> entries(keyWalk);
                default -> kmeshWalk();
            });
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    /** Fills keys 0..n-1 with one {@code bpf_map_update_batch}: seconds faster than one update per key. */
    private static void fill(Libbpf libbpf, int fd, int n) {
        try (Memory keys = new Memory(4L * n); Memory values = new Memory(8L * n)) {
            values.clear();
            for (int i = 0; i < n; i++) {
                keys.setInt(4L * i, i);
            }
            IntByReference count = new IntByReference(n);
            Errno.check("filling a benchmark map", libbpf.bpf_map_update_batch(fd, keys, values, count, null));
        }
    }

    private long entries(MapStatsCollector c) {
        return c.collect(selector).stream().mapToLong(MapStats::entries).sum();
    }

    private static void check(long expected, long counted) {
        if (expected != counted) {
            throw new IllegalStateException("counted " + counted + " entries, expected " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void closeAll() {
        for (AutoCloseable c : new AutoCloseable[] {keyWalk, batch, iterator}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (int i = maps.size() - 1; i >= 0; i--) {
            maps.get(i).close();
        }
        maps.clear();
    }

    @Benchmark
    public List<MapStats> iterator() {
        return iterator.collect(selector);
    }

    @Benchmark
    public List<MapStats> batchLookup() {
        return batch.collect(selector);
    }

    @Benchmark
    public List<MapStats> keyWalk() {
        return keyWalk.collect(selector);
    }

    /**
     * Kmesh's way (cilium/ebpf's MapIterator over maps found by id): every map id is listed and
     * opened to read its name; each selected map is walked key by key, each key looked up.
     */
    @Benchmark
    public long kmeshWalk() {
        long total = 0;
        for (int id : BpfIds.maps()) {
            int raw = BpfIds.openMap(id);
            if (raw < 0) {
                continue;
            }
            try (Fd fd = Fd.own(raw)) {
                MapInfo info = MapInfo.of(fd.get());
                if (!info.name().startsWith(prefix)) {
                    continue;
                }
                try (Memory buffers = new Memory(2L * info.keySize() + info.valueSize())) {
                    Pointer key = buffers.share(0, info.keySize());
                    Pointer next = buffers.share(info.keySize(), info.keySize());
                    Pointer value = buffers.share(2L * info.keySize());
                    int ret = LibbpfDirect.bpf_map_get_next_key(fd.get(), null, next);
                    while (ret == 0) {
                        if (LibbpfDirect.bpf_map_lookup_elem(fd.get(), next, value) == 0) {
                            total++;
                        }
                        Pointer t = key;
                        key = next;
                        next = t;
                        ret = LibbpfDirect.bpf_map_get_next_key(fd.get(), key, next);
                    }
                }
            }
        }
        return total;
    }
}
