package net.kmesh.perf.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.BpfPerfMonitor;
import net.kmesh.perf.bpf.samples.SampleCgroup;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.examples.view.Interval;
import net.kmesh.perf.examples.view.LiveView;
import net.kmesh.perf.examples.view.SourceSection;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the demo. Acquires, in order: the HTTP port, the samples' cgroup (bundled source
 * only), the monitor, its meters, the workload; shows the live view until the duration elapses or
 * {@link #requestStop()} is called; releases them in reverse, every one also on failure.
 */
final class DemoRun {
    /** Name prefix of the cgroup the demo creates, and removes again, for the connect4 sample. */
    static final String CGROUP_PREFIX = "kmesh-perf-demo-";
    static final Duration VIEW_INTERVAL = Duration.ofSeconds(1);
    /**
     * With --quiet, how often the source's state is checked for a change to print. Each check is a
     * snapshot (maps, programs, daemon), so an agent checks far less often than a view redraws.
     */
    static final int QUIET_CHECK_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream status;
    private final boolean terminal;
    private final CountDownLatch stop = new CountDownLatch(1);

    /**
     * @param out stdout: the live view, or only the final metrics with --print-metrics
     * @param err stderr: the status lines with --print-metrics
     */
    DemoRun(DemoOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.status = options.printMetrics() ? err : out;
        this.terminal = !options.printMetrics() && !options.quiet() && System.console() != null;
    }

    /** Ends the run as soon as possible, releasing everything; safe from any thread. */
    void requestStop() {
        stop.countDown();
    }

    @SuppressWarnings("try") // the workload only needs closing; the server is closed early on purpose
    void run() throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String finalMetrics = null;
        try (MetricsServer server = MetricsServer.bind(options.listenAddress(), registry.getPrometheusRegistry())) {
            Optional<RecordSource> external = options.externalSource();
            external.ifPresent(SourcePreflight::check);
            boolean workload = external.isEmpty() && options.workload() > 0;
            try (SampleCgroup cgroup = workload ? enterCgroup() : null;
                 PerfMonitor monitor = external.isPresent() ? PerfMonitor.open(options.monitorConfig(external.get()))
                         : BpfPerfMonitor.open(options.monitorConfig(RecordSource.samples(ringBytes(options.workload()))),
                                 sampleOptions(cgroup));
                 KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).naming(options.names().naming()).build()) {
                logCapabilities(monitor);
                metrics.bindTo(registry);
                monitor.start();
                try (Workload w = workload ? Workload.start(monitor.unwrap(SampleWorkload.class).orElseThrow(), monitor,
                        options.workload()) : null) {
                    server.start();
                    String what = server.metricsUri() + "   " + describe(external);
                    if (!terminal) {
                        status.println(Demo.NAME + ": serving " + what);
                    }
                    showUntilStopped(monitor, new LiveView(status, terminal, "kmesh-perf demo   " + what));
                }
                // No scrape may race with the meters going away.
                server.close();
                // The last drain before the last metrics: closing the monitor stops its consumer after one
                // more drain, and its snapshot keeps every total, so the final text holds every record taken.
                monitor.close();
                if (options.printMetrics()) {
                    finalMetrics = registry.scrape();
                }
            }
        }
        if (finalMetrics != null) {
            out.print(finalMetrics);
            out.flush();
        }
    }

    /**
     * Makes this run's cgroup beside this process's own, after clearing those that killed demos
     * left there (see {@link StaleCgroups}).
     */
    private static SampleCgroup enterCgroup() {
        long pid = ProcessHandle.current().pid();
        Optional<Path> root = Mounts.cgroup2();
        if (root.isEmpty()) {
            return SampleCgroup.enter(CGROUP_PREFIX + pid); // says that no cgroup v2 is mounted
        }
        Path own = root.get().resolve(SampleCgroup.currentCgroup().orElse("/").substring(1));
        StaleCgroups.remove(own, Instant.now());
        return SampleCgroup.enter(StaleCgroups.nameFor(own, pid));
    }

    private static void logCapabilities(PerfMonitor monitor) {
        Capabilities c = monitor.capabilities();
        LOG.info("monitor open on {}: kernel {}, libbpf {}, features {}", monitor.config().source(), c.kernelRelease(),
                c.libbpfVersion(), new TreeSet<>(c.features()));
        c.notes().forEach(note -> LOG.info("note: {}", note));
    }

    /** The bundled samples: connect4 in {@code cgroup} and the spanning sample on connect(), when there is a workload. */
    private static SampleOptions sampleOptions(SampleCgroup cgroup) {
        if (cgroup == null) {
            return SampleOptions.none();
        }
        SampleOptions samples = SampleOptions.none().withConnectCgroup(cgroup.path());
        OptionalInt connect = connectSyscall(System.getProperty("os.arch"));
        if (connect.isPresent()) {
            samples = samples.withSpanSyscall(connect.getAsInt());
        }
        return samples;
    }

    /**
     * The samples' ring for a workload of {@code perSecond} connect() calls a second: a quarter of a
     * second of its records (each call makes two, the synthetic producer 1.1 more, 40 bytes each
     * with the ring's header), at least the default 1 MiB, a power of two. At 100,000 calls a second
     * that is 4 MiB, which a consumer that is not scheduled for 340 ms still does not overflow.
     */
    static int ringBytes(int perSecond) {
        long bytes = (long) (perSecond * 3.1 * 40 / 4);
        int ring = RecordSource.DEFAULT_RING_BUFFER_BYTES;
        while (ring < bytes) {
            ring <<= 1;
        }
        return ring;
    }

    /** connect(2)'s number on {@code arch} ({@code os.arch}); empty where the demo does not know it. */
    static OptionalInt connectSyscall(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> OptionalInt.of(42);
            // The generic syscall table (include/uapi/asm-generic/unistd.h).
            case "aarch64", "riscv64", "loongarch64" -> OptionalInt.of(203);
            default -> OptionalInt.empty();
        };
    }

    /** The source, the daemon and how long the run lasts, for the view's header. */
    private String describe(Optional<RecordSource> external) {
        String source = external.map(RecordSource::describe)
                .orElse(options.workload() > 0 ? "bundled samples, workload " + options.workload() + " connect()/s"
                        : "bundled samples, no workload");
        return source + "   names: " + options.names() + "   daemon: " + options.daemonTarget().describe()
                + (options.duration().isPresent() ? "   for " + options.duration().get().toSeconds() + " s"
                : "   Ctrl-C to stop");
    }

    /**
     * Shows an interval every {@link #VIEW_INTERVAL} until the run ends. Off a terminal, a change of
     * the source's state (attached, waiting and why) is also a status line of its own, once per
     * change. With --quiet only those lines are printed, the state checked every
     * {@link #QUIET_CHECK_SECONDS}. A snapshot or a view that fails (no fd left, say) skips that
     * interval and is logged once per change of its message; the run goes on.
     */
    private void showUntilStopped(PerfMonitor monitor, LiveView view) throws InterruptedException {
        long deadline = options.duration().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        long interval = options.quiet() ? TimeUnit.SECONDS.toNanos(QUIET_CHECK_SECONDS) : VIEW_INTERVAL.toNanos();
        PerfSnapshot previous = null;
        String shownState = null;
        String failure = null;
        String viewFailure = null;
        while (true) {
            PerfSnapshot current;
            try {
                current = monitor.snapshot();
                if (failure != null) {
                    LOG.warn("snapshots work again");
                    failure = null;
                }
            } catch (RuntimeException e) {
                if (!Objects.equals(failure, e.getMessage())) {
                    LOG.warn("a snapshot failed, skipping this interval: {}", Demo.oneLine(e));
                    failure = e.getMessage();
                }
                current = null;
            }
            if (current != null) {
                String state = sourceLine(current);
                if (!terminal && !state.equals(shownState)) {
                    status.println(Demo.NAME + ": " + state);
                }
                shownState = state;
                if (previous != null && !options.quiet()) {
                    try {
                        view.show(new Interval(previous, current));
                        viewFailure = null;
                    } catch (RuntimeException e) {
                        if (!Objects.equals(viewFailure, e.getMessage())) {
                            LOG.warn("showing an interval failed: {}", Demo.oneLine(e));
                            viewFailure = e.getMessage();
                        }
                    }
                }
                previous = current;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || stop.await(Math.min(interval, left), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    /**
     * One line for the source's state, e.g. {@code source pinned /x: WAITING: no ring buffer is pinned at /x ...},
     * with why there are no durations when a ring is attached that nothing writes, or Kmesh runs in ads mode.
     */
    static String sourceLine(PerfSnapshot snapshot) {
        SourceStatus s = snapshot.source();
        return "source " + s.description() + ": " + SourceSection.state(s) + snapshot.operationsProblem()
                .filter(p -> p.reason() != OperationsProblem.Reason.WAITING)
                .map(p -> (p.reason().disablesOperations() ? "; NO DURATIONS: " : "; ") + p.message()).orElse("");
    }
}
