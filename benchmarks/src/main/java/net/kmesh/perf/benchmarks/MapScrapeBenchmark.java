package net.kmesh.perf.benchmarks;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.bpf.libbpf.BpfLink;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
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

/**
 * One scrape of map statistics over {@code maps} small maps, side by side with bpftool listing the
 * same maps: {@code collector} is one {@link MapStatsCollector#collect} by a collector with the
 * library's defaults ({@link MapStatsCollector#open()}: at most 1,024 fds held, the process's own
 * RLIMIT_NOFILE), held across scrapes as a service's scrapes use it (shape, entries, capacity and
 * memlock of every map whose name has this run's prefix); {@code bpftool} is one
 * {@code bpftool -j map show} read to its end (every map of the host, which are these plus the few
 * others); {@code kernelPass} is the kernel's share of a scrape alone: one pass of the collector's
 * own map iterator program ({@code kp_map_stats}, loaded here a second time) read to its end and
 * decoded by nobody, the floor under any scrape that asks the kernel for every map's counter. How
 * a scrape scales from 5,000 to 20,000 maps is read against how that floor scales. Needs root.
 *
 * <p>The maps are hash maps created as Kmesh creates its own, with {@code BPF_F_NO_PREALLOC}, each
 * holding a few entries: the kind whose memlock the kernel recomputes from its entries. They are
 * pinned in a directory of their own and their fds closed, so that the benchmark holds no fd per map
 * and its RLIMIT_NOFILE stays what the JVM was given; the pins are removed, which frees the maps, at
 * the end of the trial. Prints the fds the collector holds on stderr.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class MapScrapeBenchmark {
    private static final int MAX_ENTRIES = 64;
    /** The collector's iterator program, as the library bundles it. */
    private static final String ITERATOR = "/net/kmesh/perf/bpf/kmesh_perf_maps.bpf.o";
    /** Bytes of one {@code struct kp_map_record} ({@code bpf/maps/kmesh_perf_maps.h}). */
    private static final int RECORD = 72;
    /** The collector's read size: 1,024 records. */
    private static final int CHUNK = 1024 * RECORD;

    @Param({"5000", "20000"})
    public int maps;

    private final List<Path> pins = new ArrayList<>();
    private Path directory;
    private MapSelector selector;
    private MapStatsCollector collector;
    private BpfObject iterator;
    private BpfLink iteratorLink;
    private Memory chunk;

    @Setup(Level.Trial)
    public void createMaps() throws IOException {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        // "kp" + 6 hex digits + "_": a prefix no other map on the machine has; names stay within 15.
        String prefix = String.format("kp%06x_", ThreadLocalRandom.current().nextInt(1 << 24));
        selector = MapSelector.namePrefix(prefix);
        directory = Files.createDirectory(Path.of("/sys/fs/bpf", "kmesh-perf-mapscrape-" + prefix));
        try (Memory opts = new Memory(48); Memory keys = new Memory(4L * MAX_ENTRIES);
             Memory values = new Memory(8L * MAX_ENTRIES)) {
            // struct bpf_map_create_opts: size_t sz; ...; __u32 map_flags at 28
            opts.clear();
            opts.setLong(0, 48);
            opts.setInt(28, MapType.F_NO_PREALLOC);
            values.clear();
            for (int i = 0; i < MAX_ENTRIES; i++) {
                keys.setInt(4L * i, i);
            }
            for (int m = 0; m < maps; m++) {
                try (Fd fd = Fd.own(Errno.check("creating a benchmark map",
                        libbpf.bpf_map_create(MapType.HASH, prefix + m, 4, 8, MAX_ENTRIES, opts)))) {
                    IntByReference count = new IntByReference(m % 8);
                    if (count.getValue() > 0) {
                        Errno.check("filling a benchmark map",
                                libbpf.bpf_map_update_batch(fd.get(), keys, values, count, null));
                    }
                    Path pin = directory.resolve(Integer.toString(m));
                    Errno.check("pinning a benchmark map", libbpf.bpf_obj_pin(fd.get(), pin.toString()));
                    pins.add(pin);
                }
            }
            iterator = BpfObject.openResource(MapStatsCollector.class, ITERATOR, "kmesh_perf_maps");
            iterator.load();
            iteratorLink = iterator.attachIter("kp_map_stats", null);
            chunk = new Memory(CHUNK);
            long passBytes = kernelPass();
            if (passBytes < (long) maps * RECORD) {
                throw new IllegalStateException("the iterator's pass wrote " + passBytes + " bytes, expected at least "
                        + maps + " records of " + RECORD);
            }
            collector = MapStatsCollector.open();
            collector.collect(selector);
            // Fds are held from the second scrape that reads a map, where one buys something.
            List<MapStats> first = collector.collect(selector);
            System.err.println("the collector holds " + collector.heldFds() + " fds for " + maps + " maps");
            long entries = first.stream().mapToLong(MapStats::entries).sum();
            long expected = 0;
            for (int m = 0; m < maps; m++) {
                expected += m % 8;
            }
            if (first.size() != maps || entries != expected) {
                throw new IllegalStateException("the collector read " + first.size() + " maps holding " + entries
                        + " entries, expected " + maps + " holding " + expected);
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void closeAll() {
        if (collector != null) {
            collector.close();
            collector = null;
        }
        if (iterator != null) {
            iterator.close(); // its link too
            iterator = null;
            iteratorLink = null;
        }
        if (chunk != null) {
            chunk.close();
            chunk = null;
        }
        for (Path pin : pins) {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                System.err.println("cannot remove " + pin + ": " + e);
            }
        }
        pins.clear();
        if (directory != null) {
            try {
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                System.err.println("cannot remove " + directory + ": " + e);
            }
            directory = null;
        }
    }

    @Benchmark
    public List<MapStats> collector() {
        return collector.collect(selector);
    }

    /** One pass of the map iterator, read to its end in the collector's chunks; returns the bytes read. */
    @Benchmark
    public long kernelPass() {
        LibC libc = LibbpfLoader.natives().libc();
        int fd = LibbpfLoader.natives().libbpf().bpf_iter_create(iteratorLink.fd());
        if (fd < 0) {
            throw new IllegalStateException("bpf_iter_create failed: " + Errno.name(-fd));
        }
        long bytes = 0;
        try {
            for (long n; (n = libc.read(fd, chunk, CHUNK)) != 0; ) {
                if (n < 0) {
                    throw new IllegalStateException("reading the map iterator failed: " + Errno.name(Errno.last()));
                }
                bytes += n;
            }
        } finally {
            libc.close(fd);
        }
        return bytes;
    }

    @Benchmark
    public long bpftool() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "map", "show")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = p.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes += n;
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bpftool -j map show failed with exit code " + p.exitValue());
        }
        return bytes;
    }
}
