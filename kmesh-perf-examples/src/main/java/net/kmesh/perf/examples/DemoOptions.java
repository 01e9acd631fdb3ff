package net.kmesh.perf.examples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The demo's options (DESIGN.md, "Demo CLI"). Picocli fills the fields; {@link #validate} checks
 * what picocli cannot and turns each value into the type the demo uses, so that every bad
 * argument is rejected before anything is opened.
 */
public final class DemoOptions {
    static final int MAX_WORKLOAD = 100_000;

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
    ExternalRing ring;

    /** Where an existing ring buffer is: at most one of the two. */
    static final class ExternalRing {
        @Option(names = "--ringbuf-pin", order = 5, paramLabel = "PATH", required = true,
                description = "Read the ring buffer pinned at PATH in a bpffs (a running Kmesh's) instead of "
                        + "loading the bundled samples.")
        Path pin;

        @Option(names = "--ringbuf-map", order = 6, paramLabel = "NAME", required = true,
                description = "Read the newest ring buffer named NAME (e.g. kmesh_perf_info) instead of "
                        + "loading the bundled samples.")
        String map;
    }

    @Option(names = "--map-prefix", order = 7, paramLabel = "P", defaultValue = "kmesh_",
            description = "Maps to report: those whose name starts with P; \"\" = all (default: ${DEFAULT-VALUE}).")
    String mapPrefix;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Daemon daemon;

    /** Whose CPU and memory to report: at most one of the two. */
    static final class Daemon {
        @Option(names = "--daemon-pid", order = 8, paramLabel = "PID", required = true,
                description = "Report the CPU and memory of this process (default: the demo itself).")
        long pid;

        @Option(names = "--daemon-cgroup", order = 9, paramLabel = "PATH", required = true,
                description = "Report the CPU and memory of this cgroup directory (v2 or v1).")
        Path cgroup;
    }

    @Option(names = "--print-metrics", order = 10,
            description = "Print the final Prometheus text to stdout before exit (status lines then go to stderr).")
    boolean printMetrics;

    @Option(names = "--debug", order = 11, description = "Log at debug level and print stack traces with errors.")
    boolean debug;

    @Option(names = {"-h", "--help"}, order = 12, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private Optional<Duration> duration = Optional.empty();
    private InetSocketAddress listenAddress;
    private Optional<RecordSource> externalSource = Optional.empty();
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
        if (ring != null) {
            if (commandLine.getParseResult().hasMatchedOption("--workload") && workload > 0) {
                throw bad(commandLine, "--workload drives the bundled sample programs, which are not loaded "
                        + "with --ringbuf-pin or --ringbuf-map");
            }
            try {
                externalSource = Optional.of(ring.pin != null ? RecordSource.pinned(ring.pin)
                        : RecordSource.named(ring.map));
            } catch (IllegalArgumentException e) {
                throw bad(commandLine, "--ringbuf-map: " + e.getMessage());
            }
        }
        checkMapPrefix(commandLine, mapPrefix);
        if (daemon != null) {
            try {
                daemonTarget = daemon.cgroup != null ? DaemonTarget.cgroup(daemon.cgroup) : DaemonTarget.pid(daemon.pid);
            } catch (IllegalArgumentException e) {
                throw bad(commandLine, (daemon.cgroup != null ? "--daemon-cgroup: " : "--daemon-pid: ") + e.getMessage());
            }
        }
    }

    /** The kernel's rules for BPF object names (MapSelector checks them): a prefix that breaks them could never match. */
    private static void checkMapPrefix(CommandLine commandLine, String prefix) {
        try {
            MapSelector.namePrefix(prefix);
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

    /** Connect() calls per second of the synthetic workload (0 with an external ring). */
    public int workload() {
        return externalSource.isPresent() ? 0 : workload;
    }

    /** The running Kmesh's ring buffer to read; empty = load the bundled samples. */
    public Optional<RecordSource> externalSource() {
        return externalSource;
    }

    /**
     * The map name prefix to report, validated. Map statistics are not in the monitor yet: this is
     * the one place that holds it until {@code PerfMonitorConfig} takes a {@code MapSelector}.
     */
    public String mapPrefix() {
        return mapPrefix;
    }

    /** Whose CPU and memory to report. */
    public DaemonTarget daemonTarget() {
        return daemonTarget;
    }

    /** The monitor's configuration, reading records from {@code source}. */
    PerfMonitorConfig monitorConfig(RecordSource source) {
        return PerfMonitorConfig.builder()
                .source(source)
                .operationName(SampleOptions.SYSCALL_SPAN.code(), SampleOptions.SYSCALL_SPAN.name())
                .daemon(daemonTarget)
                .maps(MapSelector.namePrefix(mapPrefix))
                // Like bpftop: while the demo runs, every program on the host pays two clock reads per run.
                .programs(ProgramSelector.all())
                .build();
    }

    public boolean printMetrics() {
        return printMetrics;
    }

    public boolean debug() {
        return debug;
    }
}
