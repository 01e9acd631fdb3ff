package net.kmesh.perf.benchmarks;

import com.sun.jna.Memory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.TestRun;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole agent as an operator runs it, beside a data plane at Kmesh's pace. A private bpffs
 * holds a 4 KiB ring pinned where Kmesh pins it ({@code bpf_kmesh_workload/map/km_perf_info}); a
 * writer thread runs the bundled {@code kp_produce} into it every millisecond, {@code rate}
 * 32-byte records a second in all. The reader is either the agent ({@code reader=agent}: the demo
 * jar with the DaemonSet's launcher JVM options and {@code --kmesh=<bpffs> --names upstream
 * --workload 0 [--quiet]}, scraped every 15 s, each scrape checked to hold Kmesh's families) or the
 * anchor ({@code reader=c}: {@code native/anchor_reader.c}, libbpf's {@code ring_buffer__poll}).
 * Each invocation is one 15-second window: the reader process's CPU (utime + stime from
 * {@code /proc/PID/stat}) and wall time, its RSS at the end, and the records produced and dropped
 * (the ring was full: lost) go to the auxiliary counters, with the agent's GC pauses in the window
 * and their sum (the agent runs with {@code -Xlog:gc} to a file, its one option the DaemonSet lacks).
 * {@code -Dkmesh.perf.agent.jvmExtra="-XX:+PreserveFramePointer"} adds JVM options to the agent's, to
 * profile it ({@code perf record -g} on its consumer thread); figures are taken without.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class AgentBenchmark {
    static final int WINDOW_SECONDS = 15;
    static final int RING_BYTES = 4096;
    /** The launcher's JVM options (kmesh-perf-examples/kubernetes). */
    static final List<String> AGENT_JVM = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-XX:TieredStopAtLevel=1",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=64m", "-XX:-UsePerfData");
    private static final String SAMPLES = "/net/kmesh/perf/bpf/kmesh_perf_samples.bpf.o";
    private static final String[] OTHER_PROGRAMS = {"kp_connect4", "kp_span_enter", "kp_span_exit",
        "kp_span_enter_raw", "kp_span_exit_raw"};
    private static final int KP_PRODUCE_SYNTHETIC = 3;
    private static final long CLOCK_TICK_NANOS = 10_000_000L;

    @Param({"0", "1000", "5000", "20000"})
    public int rate;

    @Param({"agent", "c"})
    public String reader;

    private Path bpffs;
    private Fd ring;
    private BpfObject producer;
    private Process process;
    private Thread writer;
    private Thread scraper;
    private volatile boolean running;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** The most the writer catches up after it was descheduled: 2 ms of records (40 % of the ring at 20,000/s). */
    private static final long MAX_DEBT_NANOS = 2_000_000L;
    private final AtomicLong badScrapes = new AtomicLong();
    private volatile String badScrape;

    /** One window's account. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Window {
        public long cpuNanos;
        public long wallNanos;
        public long rssBytes;
        public long mib;
        public long produced;
        public long dropped;
        /** The agent's GC pauses in the window, and their sum: a pause longer than the ring's fill time loses records. */
        public long gcPauses;
        /** Records the writer did not write because it was descheduled for longer than it catches up on. */
        public long skipped;
        public long gcPauseNanos;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        bpffs = Files.createTempDirectory("kmesh-perf-agent-bpffs");
        exec("mount", "-t", "bpf", "bpf", bpffs.toString());
        Path pin = bpffs.resolve("bpf_kmesh_workload/map/km_perf_info");
        Files.createDirectories(pin.getParent());
        Libbpf bpf = LibbpfLoader.natives().libbpf();
        ring = Fd.own(Errno.check("creating the 4 KiB ring", bpf.bpf_map_create(MapType.RINGBUF, "km_perf_info", 0, 0,
                RING_BYTES, null)));
        Errno.check("pinning the ring at " + pin, bpf.bpf_obj_pin(ring.get(), pin.toString()));
        producer = BpfObject.openResource(BpfObject.class, SAMPLES, "kp_agent_bench");
        for (String p : OTHER_PROGRAMS) {
            producer.setAutoload(p, false);
        }
        Errno.check("making kmesh_perf_info the pinned ring", bpf.bpf_map__reuse_fd(producer.map(ProbeLayout.RING),
                ring.get()));
        producer.load();
        process = reader.equals("agent") ? startAgent() : startAnchor(pin);
        running = true;
        writer = new Thread(this::write, "data-plane");
        writer.start();
        if (reader.equals("agent")) {
            scraper = new Thread(this::scrapeEvery15s, "prometheus");
            scraper.start();
        }
    }

    private Process startAgent() throws Exception {
        Path jar = Path.of(System.getProperty("kmesh.perf.agent.jar", "kmesh-perf-examples/target/kmesh-perf-demo.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no agent jar at " + jar.toAbsolutePath() + ": build it with mvn -pl "
                    + "kmesh-perf-examples -am package -DskipTests, or name it with -Dkmesh.perf.agent.jar");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(AGENT_JVM);
        // The one option the DaemonSet does not have: each GC pause as a line, to count them per window.
        gcLog = Files.createTempFile("kmesh-perf-agent-gc", ".log");
        cmd.add("-Xlog:gc:file=" + gcLog);
        String extra = System.getProperty("kmesh.perf.agent.jvmExtra", "");
        if (!extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        if (help(java, jar).contains("--quiet")) {
            cmd.add("--quiet");
        }
        int port = freePort();
        cmd.addAll(List.of("--kmesh=" + bpffs, "--names", "upstream", "--workload", "0", "--bind", "127.0.0.1",
                "--port", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        metricsUrl = URI.create("http://127.0.0.1:" + port + "/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (scrape().statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not serving yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the agent (" + String.join(" ", cmd) + ") did not serve " + metricsUrl);
            }
            Thread.sleep(200);
        }
    }

    private static String help(String java, Path jar) throws Exception {
        Process p = new ProcessBuilder(java, "-jar", jar.toString(), "--help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private Process startAnchor(Path pin) throws Exception {
        Path dir = Files.createTempDirectory("kmesh-perf-anchor");
        Path source = dir.resolve("anchor_reader.c");
        try (InputStream in = AgentBenchmark.class.getResourceAsStream("/native/anchor_reader.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve("anchor_reader");
        exec("gcc", "-O2", "-o", binary.toString(), source.toString(), "-l:libbpf.so.1");
        Process p = new ProcessBuilder(binary.toString(), pin.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(out.readLine())) {
            throw new IllegalStateException("the anchor reader did not start on " + pin);
        }
        return p;
    }

    private URI metricsUrl;
    private Path gcLog;

    /** {count, nanoseconds} of the pauses the agent's GC log holds so far ({@code -Xlog:gc}: "... Pause Young ... 3.371ms"). */
    private long[] gcPauses() throws IOException {
        long[] sum = new long[2];
        if (gcLog == null) {
            return sum;
        }
        for (String line : Files.readAllLines(gcLog)) {
            int pause = line.indexOf(" Pause ");
            if (pause >= 0 && line.endsWith("ms")) {
                sum[0]++;
                String ms = line.substring(line.lastIndexOf(' ') + 1, line.length() - 2);
                sum[1] += Math.round(Double.parseDouble(ms) * 1e6);
            }
        }
        return sum;
    }
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> scrape() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Prometheus scraping every 15 s; a scrape without Kmesh's families is counted and kept. */
    private void scrapeEvery15s() {
        while (running) {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(15));
                HttpResponse<String> r = scrape();
                boolean kmesh = r.body().contains("kmesh_map_count_total")
                        && (rate == 0 || r.body().contains("kmesh_bpf_prog_operation_count{"));
                if (r.statusCode() != 200 || !kmesh) {
                    badScrapes.incrementAndGet();
                    badScrape = r.statusCode() + "\n" + r.body();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                badScrapes.incrementAndGet();
                badScrape = e.toString();
            }
        }
    }

    /**
     * The data plane: rate / 1000 records every millisecond (1 ms is 25 records' room in the ring at
     * 20 000/s); late, it catches up on at most {@link #MAX_DEBT_NANOS} and counts the rest as skipped.
     */
    private void write() {
        if (rate == 0) {
            return;
        }
        int fd = producer.programFd("kp_produce");
        long carry = 0;
        long next = System.nanoTime();
        // struct kp_produce_args { u32 operation_type, count, mode, synthetic_ns; u64 emitted, dropped, histogrammed; }
        try (Memory args = new Memory(40)) {
            while (running) {
                carry += rate;
                int n = (int) (carry / 1000);
                carry %= 1000;
                if (n > 0) {
                    args.clear();
                    args.setInt(0, 1);
                    args.setInt(4, n);
                    args.setInt(8, KP_PRODUCE_SYNTHETIC);
                    args.setInt(12, 20_000);
                    TestRun.run(fd, args, "running kp_produce");
                    produced.addAndGet(n);
                    dropped.addAndGet(args.getLong(24));
                }
                next += 1_000_000;
                long now = System.nanoTime();
                long wait = next - now;
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (-wait > MAX_DEBT_NANOS) {
                    // Descheduled (2 vCPUs, the reader and this JVM on them): catching up on more than
                    // MAX_DEBT_NANOS would write, in microseconds, a burst no reader could take (the
                    // whole 4 KiB ring after 5 ms at 20,000/s). The rest of the debt is not written,
                    // and counted, so that a window's rate achieved is produced / wall.
                    skipped.addAndGet((-wait - MAX_DEBT_NANOS) * rate / 1_000_000_000L);
                    next = now - MAX_DEBT_NANOS;
                }
            }
        }
    }

    @Benchmark
    public void window(Window w) throws Exception {
        long cpu0 = cpuNanos();
        long[] gc0 = gcPauses();
        long p0 = produced.get();
        long d0 = dropped.get();
        long s0 = skipped.get();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(WINDOW_SECONDS));
        w.cpuNanos += cpuNanos() - cpu0;
        w.wallNanos += System.nanoTime() - t0;
        w.produced += produced.get() - p0;
        w.dropped += dropped.get() - d0;
        w.skipped += skipped.get() - s0;
        long[] gc1 = gcPauses();
        w.gcPauses += gc1[0] - gc0[0];
        w.gcPauseNanos += gc1[1] - gc0[1];
        w.rssBytes += rssBytes();
        w.mib += 1 << 20;
        if (!process.isAlive()) {
            throw new IllegalStateException("the " + reader + " reader exited with " + process.exitValue());
        }
        if (badScrapes.get() > 0) {
            throw new IllegalStateException(badScrapes.get() + " scrape(s) without Kmesh's families; the last:\n" + badScrape);
        }
    }

    /** utime + stime of the reader process, from /proc/PID/stat (fields 14 and 15, in clock ticks). */
    private long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * CLOCK_TICK_NANOS;
    }

    private long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        printThreadCpu();
        running = false;
        if (scraper != null) {
            scraper.interrupt();
            scraper.join();
        }
        writer.join();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        producer.close();
        ring.close();
        exec("umount", bpffs.toString());
        Files.deleteIfExists(bpffs);
        if (gcLog != null) {
            Files.deleteIfExists(gcLog);
        }
    }

    /** Where the reader's CPU went, thread by thread (into the step's log): what to make cheaper. */
    private void printThreadCpu() {
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            StringBuilder out = new StringBuilder("CPU by thread of the " + reader + " reader at " + rate + " records/s:");
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                if (ms > 0) {
                    out.append("\n  ").append(Files.readString(task.resolve("comm")).strip()).append(": ").append(ms)
                            .append(" ms");
                }
            }
            System.out.println(out);
        } catch (IOException | RuntimeException e) {
            System.out.println("no thread breakdown: " + e);
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
