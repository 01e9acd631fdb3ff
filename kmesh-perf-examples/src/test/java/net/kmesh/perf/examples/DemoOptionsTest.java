package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.LibbpfUnavailableException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.RecordSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The demo's options parsed in-process: defaults, every option, every rejected value. */
class DemoOptionsTest {

    /** Parses and validates {@code args} as the demo does, without running it. */
    static DemoOptions parse(String... args) {
        Demo demo = new Demo(System.out, System.err, run -> fail("parsing must not start a run"));
        CommandLine commandLine = Demo.commandLine(demo);
        commandLine.parseArgs(args);
        demo.options.validate(commandLine);
        return demo.options;
    }

    /** Runs the demo's command line in-process; only for arguments that never reach a run. */
    record Executed(int exitCode, String out, String err) {
    }

    static Executed execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), run -> fail("these arguments must not start a run"));
        int code = Demo.commandLine(demo).execute(args);
        return new Executed(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultsAreDesignMds() {
        DemoOptions o = parse();
        assertEquals(Optional.empty(), o.duration());
        assertEquals(new InetSocketAddress("127.0.0.1", 9464), o.listenAddress());
        assertEquals(100, o.workload());
        assertEquals(Optional.empty(), o.externalSource());
        assertEquals(MapSelector.kmesh(), o.maps(), "Kmesh's maps: km_* and kmesh_*");
        assertEquals(DemoOptions.Names.KMESH_PERF, o.names());
        assertEquals(DaemonTarget.self(), o.daemonTarget());
        assertFalse(o.printMetrics());
        assertFalse(o.quiet(), "the live view is on by default");
        assertFalse(o.debug());
    }

    @Test
    void everyOptionIsTakenIntoItsTypedValue() {
        DemoOptions o = parse("--duration", "30", "--port", "0", "--bind", "0.0.0.0", "--workload", "0",
                "--map-prefix", "", "--daemon-pid", "4711", "--print-metrics", "--quiet", "--debug");
        assertEquals(Optional.of(Duration.ofSeconds(30)), o.duration());
        assertEquals(new InetSocketAddress("0.0.0.0", 0), o.listenAddress());
        assertEquals(0, o.workload());
        assertEquals(MapSelector.all(), o.maps(), "\"\" selects every map");
        assertEquals(DaemonTarget.pid(4711), o.daemonTarget());
        assertTrue(o.printMetrics());
        assertTrue(o.quiet());
        assertTrue(o.debug());
        assertEquals(DaemonTarget.cgroup(Path.of("/sys/fs/cgroup/kmesh")),
                parse("--daemon-cgroup", "/sys/fs/cgroup/kmesh").daemonTarget());
        assertEquals(DaemonTarget.processName("kmesh-daemon"), parse("--daemon-name", "kmesh-daemon").daemonTarget());
        assertEquals(MapSelector.namePrefix("kmesh_perf."), parse("--map-prefix", "kmesh_perf.").maps());
        assertEquals(MapSelector.namePrefix("km_", "cilium_"), parse("--map-prefix", "km_", "--map-prefix", "cilium_").maps());
        assertEquals(MapSelector.kmeshExporter(), parse("--maps", "kmesh-exporter").maps());
        assertEquals(MapSelector.kmeshExporter(), parse("--kmesh", "--maps", "kmesh-exporter").maps(),
                "Kmesh's exporter walks every map of the host, not Kmesh's pin directories");
        assertEquals(MapSelector.kmesh(), parse("--maps", "kmesh").maps());
        assertEquals(DemoOptions.Names.UPSTREAM, parse("--names", "upstream").names());
        assertEquals(DemoOptions.Names.KMESH_PERF, parse("--names", "kmesh-perf").names());
    }

    @Test
    void aQuietAgentUnderKmeshsNamesLeavesTheKernelsProgramStatisticsOff() {
        RecordSource kmesh = RecordSource.kmesh();
        assertFalse(parse("--kmesh", "--names", "upstream", "--quiet").monitorConfig(kmesh).programStatistics(),
                "Kmesh's families have no program statistics, and a quiet agent shows no view");
        assertTrue(parse("--kmesh", "--names", "upstream").monitorConfig(kmesh).programStatistics(), "the live view shows them");
        assertTrue(parse("--kmesh", "--quiet").monitorConfig(kmesh).programStatistics(), "kmesh-perf's names export them");
    }

    @Test
    void anExternalRingReplacesTheBundledSamplesAndTheirWorkload() {
        DemoOptions pinned = parse("--ringbuf-pin", "/sys/fs/bpf/kmesh/kmesh_perf_info");
        assertEquals(Optional.of(RecordSource.pinned(Path.of("/sys/fs/bpf/kmesh/kmesh_perf_info"))), pinned.externalSource());
        assertEquals(0, pinned.workload(), "nothing of the demo's own runs against a real Kmesh");
        DemoOptions named = parse("--ringbuf-map", "kmesh_perf_info");
        assertEquals(Optional.of(RecordSource.named("kmesh_perf_info")), named.externalSource());
        assertEquals(0, named.workload());
        // An explicit --workload 0 asks for nothing the external ring contradicts.
        assertEquals(0, parse("--ringbuf-map", "kmesh_perf_info", "--workload", "0").workload());
    }

    @Test
    void kmeshIsFoundUnderItsBpffsAndItsMapsByItsPinDirectories() {
        DemoOptions byDefault = parse("--kmesh");
        assertEquals(Optional.of(RecordSource.kmesh()), byDefault.externalSource());
        assertEquals(MapSelector.kmesh(Path.of("/sys/fs/bpf")), byDefault.maps());
        assertEquals(0, byDefault.workload(), "nothing is loaded");
        DemoOptions elsewhere = parse("--kmesh=/run/kmesh/bpf");
        assertEquals(Optional.of(RecordSource.kmesh(Path.of("/run/kmesh/bpf"))), elsewhere.externalSource());
        assertEquals(MapSelector.kmesh(Path.of("/run/kmesh/bpf")), elsewhere.maps());
        assertEquals(MapSelector.pinnedIn(RecordSource.Kmesh.class.cast(RecordSource.kmesh()).mapDirectories(), "km_"),
                parse("--kmesh", "--map-prefix", "km_").maps(), "a prefix narrows Kmesh's pinned maps");
    }

    @Test
    void observeReadsTheNamedRingWithoutConsumingIt() {
        assertEquals(Optional.of(RecordSource.kmesh().observing()), parse("--kmesh", "--observe").externalSource());
        assertEquals(Optional.of(RecordSource.named("km_perf_info").observing()),
                parse("--observe", "--ringbuf-map", "km_perf_info").externalSource());
        assertEquals(Optional.of(RecordSource.pinned(Path.of("/sys/fs/bpf/x")).observing()),
                parse("--ringbuf-pin", "/sys/fs/bpf/x", "--observe").externalSource());
        assertEquals(RecordSource.ReadMode.CONSUME, parse("--kmesh").externalSource().orElseThrow().mode());
    }

    @Test
    void theMonitorIsConfiguredWithTheSourceAndTheDaemon() {
        DemoOptions o = parse("--daemon-pid", "1");
        PerfMonitorConfig config = o.monitorConfig(RecordSource.named("kmesh_perf_info"));
        assertEquals(RecordSource.named("kmesh_perf_info"), config.source());
        assertEquals(DaemonTarget.pid(1), config.daemon());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--port abc                                          | Invalid value for option '--port': 'abc' is not an int",
        "--port 70000                                        | --port must be between 0 and 65535, got 70000",
        "--port -1                                           | --port must be between 0 and 65535, got -1",
        "--duration 0                                        | --duration must be a number of seconds of at least 1, got 0",
        "--duration 1.5                                      | '1.5' is not a long",
        "--workload -1                                       | --workload must be between 0 and 100000",
        "--workload 100001                                   | --workload must be between 0 and 100000",
        "--frobnicate                                        | Unknown option: '--frobnicate'",
        "extra                                               | Unmatched argument at index 0: 'extra'",
        "--bind ::g                                          | --bind '::g' is not an address",
        "--ringbuf-pin /sys/fs/bpf/x --ringbuf-map kmesh_perf_info | --ringbuf-pin=PATH, --ringbuf-map=NAME are mutually exclusive",
        "--ringbuf-pin /sys/fs/bpf/x --kmesh                 | --ringbuf-pin=PATH, --kmesh are mutually exclusive",
        "--ringbuf-pin=                                      | --ringbuf-pin: the pin path is empty",
        "--kmesh=                                            | --kmesh: the bpffs path is empty",
        "--observe                                           | --observe reads a data plane's ring without consuming it",
        "--observe --workload 10                             | --observe reads a data plane's ring without consuming it",
        "--names kmesh                                       | 'kmesh' is not one of kmesh-perf, upstream",
        "--kmesh --workload 10                               | --workload drives the bundled sample programs",
        "--ringbuf-map kmesh_perf_info_too_long              | --ringbuf-map: a BPF map name has 1 to 15 characters",
        "--ringbuf-map kmesh_perf_info --workload 10         | --workload drives the bundled sample programs",
        "--daemon-pid 1 --daemon-cgroup /sys/fs/cgroup       | --daemon-pid=PID, --daemon-cgroup=PATH are mutually exclusive",
        "--daemon-pid 0                                      | --daemon-pid: a pid is between 1 and 4194304, got 0",
        "--daemon-cgroup relative/dir                        | --daemon-cgroup: a cgroup directory must be an absolute path",
        "--daemon-name kmesh-daemon-with-a-long-name          | --daemon-name: ",
        "--daemon-name kmesh-daemon --daemon-pid 1           | mutually exclusive",
        "--map-prefix kmesh-                                 | --map-prefix: map name prefix 'kmesh-' contains '-'",
        "--maps kmesh-perf                                   | --maps: 'kmesh-perf' is not one of kmesh, kmesh-exporter",
        "--maps kmesh-exporter --map-prefix km_              | --maps kmesh-exporter follows Kmesh's exporter's own rules",
        "--map-prefix a_prefix_too_long                      | --map-prefix: map name prefix 'a_prefix_too_long' has 17 characters",
    })
    void aBadArgumentExits2WithOneLineThatNamesIt(String args, String expected) {
        Executed r = execute(args.strip().split("\\s+"));
        assertEquals(Demo.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        String line = r.err().lines().findFirst().orElseThrow();
        assertTrue(line.startsWith("kmesh-perf-demo: ") && line.endsWith(" (see --help)"), line);
        assertTrue(line.contains(expected), line);
        assertThrows(ParameterException.class, () -> parse(args.strip().split("\\s+")));
    }

    @Test
    void helpPrintsTheUsageOfEveryOptionAndTheExitCodes() {
        Executed r = execute("--help");
        assertEquals(Demo.EXIT_OK, r.exitCode());
        assertEquals("", r.err());
        for (String option : new String[] {"--duration=S", "--port=N", "--bind=ADDR", "--workload=R", "--ringbuf-pin=PATH",
                "--ringbuf-map=NAME", "--kmesh[=BPFFS]", "--observe", "--names=kmesh-perf|upstream", "--map-prefix=P", "--maps=kmesh|kmesh-exporter", "(default: kmesh)", "--daemon-pid=PID", "--daemon-cgroup=PATH", "--daemon-name=NAME", "--print-metrics",
                "--help", "--quiet", "--debug", "(default: 9464)", "(default: 127.0.0.1)", "(default: 100)", "(default: kmesh-perf)"}) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertTrue(r.out().startsWith("Usage: kmesh-perf-demo"), r.out());
        for (String code : new String[] {"0   done", "1   anything else", "2   bad arguments", "3   not enough privilege",
                "4   libbpf missing"}) {
            assertTrue(r.out().contains(code), code + " in\n" + r.out());
        }
    }

    @Test
    void failuresMapToDesignMdsExitCodes() {
        assertEquals(3, Demo.exitCode(new PrivilegeException("refused")));
        assertEquals(4, Demo.exitCode(new LibbpfUnavailableException("missing", null)));
        assertEquals(1, Demo.exitCode(new NotFoundException("no pin")));
        assertEquals(1, Demo.exitCode(new KernelFeatureException("no ring buffers")));
        assertEquals(1, Demo.exitCode(new PerfMonitorException("other")));
        assertEquals(1, Demo.exitCode(new DemoException("port in use", null)));
        assertEquals(1, Demo.exitCode(new IllegalStateException()));
    }

    @Test
    void anErrorIsOneLine() {
        assertEquals("a b c", Demo.oneLine(new RuntimeException("a\nb\r\n  c\n")));
        assertEquals("IllegalStateException", Demo.oneLine(new IllegalStateException()));
    }

    @Test
    void theSamplesRingHoldsAQuarterSecondOfTheWorkload() {
        assertEquals(1 << 20, DemoRun.ringBytes(0));
        assertEquals(1 << 20, DemoRun.ringBytes(100));
        assertEquals(1 << 20, DemoRun.ringBytes(33_000), "1.02 MB a quarter second still fits 1 MiB");
        assertEquals(2 << 20, DemoRun.ringBytes(34_000));
        assertEquals(4 << 20, DemoRun.ringBytes(DemoOptions.MAX_WORKLOAD));
    }

    @Test
    void connectsSyscallNumberIsKnownForTheCommonArchitectures() {
        assertEquals(OptionalInt.of(42), DemoRun.connectSyscall("amd64"));
        assertEquals(OptionalInt.of(203), DemoRun.connectSyscall("aarch64"));
        assertEquals(OptionalInt.empty(), DemoRun.connectSyscall("sparcv9"));
    }
}
