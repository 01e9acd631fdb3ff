package net.kmesh.perf.examples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.micrometer.MetricNaming;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The demo's options (DESIGN.md, "Demo CLI"). Picocli fills the fields; {@link #validate} checks
 * what picocli cannot and turns each value into the type the demo uses, so that every bad
 * argument is rejected before anything is opened.
 */
public final class DemoOptions {
    static final int MAX_WORKLOAD = 100_000;

    /** The metric names the demo serves ({@code --names}). */
    public enum Names {
        /** kmesh-perf's own names (DESIGN.md, "Metric names"). */
        KMESH_PERF("kmesh-perf", MetricNaming.KMESH_PERF),
        /** Kmesh's own families, so that Kmesh's dashboard works unchanged. */
        UPSTREAM("upstream", MetricNaming.UPSTREAM);

        private final String option;
        private final MetricNaming naming;

        Names(String option, MetricNaming naming) {
            this.option = option;
            this.naming = naming;
        }

        /** The binder's naming. */
        public MetricNaming naming() {
            return naming;
        }

        /** How the option spells it. */
        public String option() {
            return option;
        }

        @Override
        public String toString() {
            return option;
        }

        static final class Converter implements ITypeConverter<Names> {
            @Override
            public Names convert(String value) {
                for (Names n : values()) {
                    if (n.option.equals(value)) {
                        return n;
                    }
                }
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of kmesh-perf, upstream");
            }
        }
    }

    @Option(names = "--duration", order = 1, paramLabel = "S",
            description = "Run S seconds, then exit 0 (default: until Ctrl-C).")
    Long durationSeconds;

    @Option(names = "--port", order = 2, paramLabel = "N", defaultValue = "9464",
            description = "Serve /metrics (Prometheus text) on this port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", order = 3, paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to serve on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--workload", order = 4, paramLabel = "R", defaultValue = "100",
            description = {"Synthetic operations per second through the bundled sample programs: R connect() "
                    + "calls (timed by the connect4 and syscall-span samples), R ENABLE_ENCODING_METADATA and "
                    + "R/10 XDP_SHUTDOWN records; 0 = none, at most " + MAX_WORKLOAD + " (default: ${DEFAULT-VALUE})."})
    int workload;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    DataPlane dataPlane;

    /** Where a running data plane's ring buffer is: at most one of the three. */
    static final class DataPlane {
        @Option(names = "--ringbuf-pin", order = 5, paramLabel = "PATH", required = true,
                description = "Read the ring buffer pinned at PATH in a bpffs (a running Kmesh's: "
                        + "/sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info) instead of loading the bundled samples. "
                        + "A PATH that does not exist yet is waited for.")
        String pin;

        @Option(names = "--ringbuf-map", order = 6, paramLabel = "NAME", required = true,
                description = "Read the newest ring buffer named NAME (Kmesh's: km_perf_info) instead of "
                        + "loading the bundled samples; waited for until it exists.")
        String map;

        @Option(names = "--kmesh", order = 7, paramLabel = "BPFFS", arity = "0..1", required = true,
                fallbackValue = "/sys/fs/bpf",
                description = "Find a running Kmesh where it pins its ring and maps under BPFFS (its "
                        + "--bpf-fs-path; default /sys/fs/bpf): bpf_kmesh_workload/map/ or bpf_kmesh/map/. "
                        + "Loads nothing; waits for Kmesh while it is not running.")
        String kmesh;
    }

    @Option(names = "--observe", order = 8,
            description = "Read the data plane's ring without consuming it, so that Kmesh's own reader keeps "
                    + "every record; records it overwrites first are counted as missed. Needs --ringbuf-pin, "
                    + "--ringbuf-map or --kmesh.")
    boolean observe;

    @Option(names = "--names", order = 9, paramLabel = "kmesh-perf|upstream", defaultValue = "kmesh-perf",
            converter = Names.Converter.class,
            description = "Metric names: kmesh-perf's, or Kmesh's own (kmesh_bpf_prog_operation_duration in ns, "
                    + "kmesh_map_entry_count, ...), so that Kmesh's dashboard works unchanged (default: ${DEFAULT-VALUE}).")
    Names names;

    @Option(names = "--map-prefix", order = 10, paramLabel = "P",
            description = "Maps to report: those whose name starts with P (repeat for several; \"\" = all). "
                    + "Default: Kmesh's maps, named km_* or kmesh_* (with --kmesh, those pinned in Kmesh's "
                    + "map directories).")
    List<String> mapPrefixes;

    @Option(names = "--maps", order = 10, paramLabel = "kmesh|kmesh-exporter", defaultValue = "kmesh",
            description = "Which maps to report: Kmesh's, named km_* or kmesh_* (default: ${DEFAULT-VALUE}), or "
                    + "kmesh-exporter: exactly the maps Kmesh's own exporter reports (every map named kmesh_* or "
                    + "unnamed, entries of the kmesh_* hash maps only), to compare its numbers like for like.")
    String mapSet;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Daemon daemon;

    /** Whose CPU and memory to report: at most one of the three. */
    static final class Daemon {
        @Option(names = "--daemon-pid", order = 11, paramLabel = "PID", required = true,
                description = "Report the CPU and memory of this process (default: the demo itself).")
        long pid;

        @Option(names = "--daemon-cgroup", order = 12, paramLabel = "PATH", required = true,
                description = "Report the CPU and memory of this cgroup directory (v2 or v1).")
        Path cgroup;

        @Option(names = "--daemon-name", order = 12, paramLabel = "NAME", required = true,
                description = "Report the CPU and memory of the oldest process named NAME (/proc/PID/comm, e.g. "
                        + "kmesh-daemon), found again when it restarts.")
        String name;
    }

    @Option(names = "--print-metrics", order = 13,
            description = "Print the final Prometheus text to stdout before exit (status lines then go to stderr).")
    boolean printMetrics;

    @Option(names = "--quiet", order = 14,
            description = "No live view and no line per second: only the serving line and a line for each change of "
                    + "the source's state (checked every " + DemoRun.QUIET_CHECK_SECONDS + " s), and warnings. For an "
                    + "agent whose output is a pod's log.")
    boolean quiet;

    @Option(names = "--debug", order = 15, description = "Log at debug level and print stack traces with errors.")
    boolean debug;

    @Option(names = {"-h", "--help"}, order = 16, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private Optional<Duration> duration = Optional.empty();
    private InetSocketAddress listenAddress;
    private Optional<RecordSource> externalSource = Optional.empty();
    private MapSelector maps = MapSelector.kmesh();
    private DaemonTarget daemonTarget = DaemonTarget.self();

    /**
     * Checks the values picocli parsed and derives the typed ones.
     *
     * @throws ParameterException naming the option, for picocli to report as a usage error (exit 2)
     */
    void validate(CommandLine commandLine) {
        if (durationSeconds != null) {
            if (durationSeconds < 1 || durationSeconds > Duration.ofDays(3650).toSeconds()) {
                throw bad(commandLine, "--duration must be a number of seconds of at least 1, got " + durationSeconds);
            }
            duration = Optional.of(Duration.ofSeconds(durationSeconds));
        }
        if (port < 0 || port > 65_535) {
            throw bad(commandLine, "--port must be between 0 and 65535, got " + port);
        }
        try {
            listenAddress = new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw bad(commandLine, "--bind '" + bind + "' is not an address (use e.g. 127.0.0.1 or 0.0.0.0)");
        }
        if (workload < 0 || workload > MAX_WORKLOAD) {
            throw bad(commandLine, "--workload must be between 0 and " + MAX_WORKLOAD + " operations per second, got "
                    + workload);
        }
        if (dataPlane != null) {
            if (commandLine.getParseResult().hasMatchedOption("--workload") && workload > 0) {
                throw bad(commandLine, "--workload drives the bundled sample programs, which are not loaded "
                        + "with --ringbuf-pin, --ringbuf-map or --kmesh");
            }
            RecordSource source = dataPlaneSource(commandLine);
            externalSource = Optional.of(observe ? source.observing() : source);
        } else if (observe) {
            throw bad(commandLine, "--observe reads a data plane's ring without consuming it: name the ring with "
                    + "--ringbuf-pin, --ringbuf-map or --kmesh (the bundled samples' ring has no other reader)");
        }
        maps = mapSelector(commandLine);
        if (daemon != null) {
            try {
                daemonTarget = daemon.cgroup != null ? DaemonTarget.cgroup(daemon.cgroup)
                        : daemon.name != null ? DaemonTarget.processName(daemon.name) : DaemonTarget.pid(daemon.pid);
            } catch (IllegalArgumentException e) {
                throw bad(commandLine, (daemon.cgroup != null ? "--daemon-cgroup: " : daemon.name != null ? "--daemon-name: "
                        : "--daemon-pid: ") + e.getMessage());
            }
        }
    }

    private RecordSource dataPlaneSource(CommandLine commandLine) {
        String option = dataPlane.pin != null ? "--ringbuf-pin" : dataPlane.map != null ? "--ringbuf-map" : "--kmesh";
        try {
            if (dataPlane.pin != null) {
                return RecordSource.pinned(Path.of(dataPlane.pin));
            }
            if (dataPlane.map != null) {
                return RecordSource.named(dataPlane.map);
            }
            return RecordSource.kmesh(Path.of(dataPlane.kmesh));
        } catch (IllegalArgumentException e) { // InvalidPathException too
            throw bad(commandLine, option + ": " + e.getMessage());
        }
    }

    /** {@code --map-prefix} when given, else Kmesh's maps (those in its pin directories with --kmesh). */
    private MapSelector mapSelector(CommandLine commandLine) {
        Optional<Path> kmeshBpffs = externalSource.filter(RecordSource.Kmesh.class::isInstance)
                .map(s -> ((RecordSource.Kmesh) s).bpffs());
        if (!mapSet.equals("kmesh") && !mapSet.equals("kmesh-exporter")) {
            throw bad(commandLine, "--maps: '" + mapSet + "' is not one of kmesh, kmesh-exporter");
        }
        boolean noPrefix = mapPrefixes == null || mapPrefixes.isEmpty();
        if (mapSet.equals("kmesh-exporter")) {
            if (!noPrefix) {
                throw bad(commandLine, "--maps kmesh-exporter follows Kmesh's exporter's own rules: drop --map-prefix");
            }
            return MapSelector.kmeshExporter();
        }
        if (noPrefix) {
            return kmeshBpffs.map(MapSelector::kmesh).orElse(MapSelector.kmesh());
        }
        // The kernel's rules for BPF object names: a prefix that breaks them could never match.
        try {
            String[] prefixes = mapPrefixes.toArray(String[]::new);
            return kmeshBpffs.isPresent()
                    ? MapSelector.pinnedIn(new RecordSource.Kmesh(kmeshBpffs.get(), RecordSource.ReadMode.CONSUME)
                            .mapDirectories(), prefixes)
                    : MapSelector.namePrefix(prefixes);
        } catch (IllegalArgumentException e) {
            throw bad(commandLine, "--map-prefix: " + e.getMessage());
        }
    }

    private static ParameterException bad(CommandLine commandLine, String message) {
        return new ParameterException(commandLine, message);
    }

    /** How long to run; empty = until Ctrl-C. */
    public Optional<Duration> duration() {
        return duration;
    }

    /** Where to serve /metrics. */
    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    /** Connect() calls per second of the synthetic workload (0 with a data plane's ring). */
    public int workload() {
        return externalSource.isPresent() ? 0 : workload;
    }

    /** The running data plane's ring buffer to read; empty = load the bundled samples. */
    public Optional<RecordSource> externalSource() {
        return externalSource;
    }

    /** The maps to report. */
    public MapSelector maps() {
        return maps;
    }

    /** The metric names to serve. */
    public Names names() {
        return names;
    }

    /** Whose CPU and memory to report. */
    public DaemonTarget daemonTarget() {
        return daemonTarget;
    }

    /**
     * The monitor's configuration, reading records from {@code source}; a missing data plane is
     * waited for. Program statistics are on, except for a quiet agent under Kmesh's names, which
     * would show them nowhere: Kmesh's families have none.
     */
    PerfMonitorConfig monitorConfig(RecordSource source) {
        PerfMonitorConfig.Builder b = PerfMonitorConfig.builder()
                .source(source)
                .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name())
                .daemon(daemonTarget)
                .maps(maps);
        if (!(quiet && names == Names.UPSTREAM)) {
            // Like bpftop: while the demo runs, every program on the host pays two clock reads per run.
            b.programs(ProgramSelector.all());
        }
        return b.build();
    }

    public boolean printMetrics() {
        return printMetrics;
    }

    /** No live view: only the serving line, changes of the source's state, and warnings. */
    public boolean quiet() {
        return quiet;
    }

    public boolean debug() {
        return debug;
    }
}
