package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.FakeKmesh;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo jar as a user runs it, in a child JVM: every exit code of DESIGN.md, its one-line
 * errors, and that every way it ends leaves nothing behind (its cgroup, its BPF objects, its port).
 */
@KernelRequired
class DemoCliIT {
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(60);
    private static final Set<String> OPERATION_TYPES = Set.of("SOCK_TRAFFIC_CONTROL", "XDP_SHUTDOWN",
            "ENABLE_ENCODING_METADATA", "SYSCALL_SPAN");

    private static List<String> args(String... args) {
        return List.of(args);
    }

    private static String theOnlyLine(DemoProcess.Result r) {
        assertEquals(1, r.stderrLines().size(), "exactly one line on stderr: " + r);
        String line = r.stderrLines().get(0);
        assertTrue(line.startsWith("kmesh-perf-demo: "), line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace without --debug: " + line);
        return line;
    }

    /** Every operation type's duration shows in the Prometheus text. */
    private static boolean allTypesIn(String metrics) {
        return PrometheusText.parse(metrics).operationTypes("kmesh_bpf_prog_operation_duration_seconds_count")
                .containsAll(OPERATION_TYPES);
    }

    @Test
    void helpPrintsTheUsageAndExits0() throws Exception {
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("Usage: kmesh-perf-demo"), r.stdout());
        for (String option : List.of("--duration", "--port", "--bind", "--workload", "--ringbuf-pin", "--ringbuf-map",
                "--map-prefix", "--daemon-pid", "--daemon-cgroup", "--print-metrics", "--help", "--debug")) {
            assertTrue(r.stdout().contains(option), option);
        }
        assertEquals("", r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--frobnicate", "--port abc", "--ringbuf-pin /sys/fs/bpf/x --ringbuf-map kmesh_perf_info",
        "--daemon-pid 1 --daemon-cgroup /sys/fs/cgroup"})
    void aBadArgumentExits2WithOneLine(String args) throws Exception {
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN, args.split(" "));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(theOnlyLine(r).endsWith("(see --help)"));
        assertEquals("", r.stdout());
    }

    @Test
    void withoutPrivilegeItExits3WithOneLineNamingItAndLeavesNothing() throws Exception {
        Path setpriv = Tools.require("setpriv");
        List<String> dropAll = List.of(setpriv.toString(), "--bounding-set=-all", "--inh-caps=-all", "--");
        // With the workload the first thing refused is the samples' cgroup; without, the BPF map.
        for (List<String> args : List.of(args(), args("--workload", "0"))) {
            List<String> command = new ArrayList<>(dropAll);
            command.addAll(DemoProcess.command(List.of(), withFreePort(args)));
            try (DemoProcess p = DemoProcess.start(command)) {
                DemoProcess.Result r = p.await(ENDS_WITHIN);
                assertEquals(3, r.exitCode(), r.toString());
                String line = theOnlyLine(r);
                assertTrue(line.contains("run as root"), line);
                if (args.isEmpty()) {
                    assertTrue(line.contains("creating cgroup " + Leftovers.demoCgroup(p.pid()) + " was refused"), line);
                } else {
                    assertTrue(line.contains("CAP_BPF + CAP_PERFMON"), line);
                }
                assertFalse(Files.exists(Leftovers.demoCgroup(p.pid())), "no cgroup left");
                assertEquals("", r.stdout());
            }
        }
    }

    @Test
    void withoutLibbpfItExits4() throws Exception {
        try (DemoProcess p = DemoProcess.start(DemoProcess.command(List.of("-Dkmesh.perf.libbpf=/nonexistent/libbpf.so.1"),
                withFreePort(args())))) {
            DemoProcess.Result r = p.await(ENDS_WITHIN);
            assertEquals(4, r.exitCode(), r.toString());
            assertTrue(theOnlyLine(r).contains("libbpf (/nonexistent/libbpf.so.1) cannot be loaded"), r.stderr());
            assertFalse(Files.exists(Leftovers.demoCgroup(p.pid())), "the cgroup made before libbpf was needed is gone");
        }
    }

    @Test
    void aPortInUseExits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
             DemoProcess p = DemoProcess.start("--port", Integer.toString(taken.getLocalPort()), "--duration", "30")) {
            DemoProcess.Result r = p.await(ENDS_WITHIN);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(theOnlyLine(r).contains("127.0.0.1:" + taken.getLocalPort() + ": Address already in use"), r.stderr());
        }
    }

    @Test
    void aRingThatIsNotPinnedExits1() throws Exception {
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN,
                withFreePort(args("--ringbuf-pin", "/sys/fs/bpf/kmesh-perf-demo-absent/kmesh_perf_info")).toArray(String[]::new));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(theOnlyLine(r).contains("no pinned BPF object at /sys/fs/bpf/kmesh-perf-demo-absent/kmesh_perf_info"));
    }

    @Test
    void aDurationEndsItCleanlyAndPrintMetricsPrintsEveryFamily() throws Exception {
        int port = DemoProcess.freePort();
        // As a demo that was killed (no shutdown hook) leaves it: the next demo removes it.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectory(Leftovers.demoCgroup(gone.pid()));
        try (DemoProcess p = DemoProcess.start("--duration", "8", "--port", Integer.toString(port), "--print-metrics")) {
            p.awaitBody(DemoProcess.metricsUrl(port), DemoCliIT::allTypesIn, Duration.ofSeconds(30));
            assertFalse(Files.exists(stale), "the cgroup of a killed demo is removed");
            KernelObjects held = whileRunning(p);
            DemoProcess.Result r = p.await(ENDS_WITHIN);
            assertEquals(0, r.exitCode(), r.toString());
            assertLeftNothing(p.pid(), held, port);

            PrometheusText text = PrometheusText.parse(r.stdout()); // stdout holds nothing else
            Map<String, String> expected = Map.of(
                    "kmesh_bpf_prog_operation_duration_seconds", "histogram",
                    "kmesh_bpf_prog_operation_duration_seconds_max", "gauge",
                    "kmesh_perf_records_dropped_total", "counter",
                    "kmesh_perf_records_invalid_total", "counter",
                    "kmesh_daemon_memory_usage_bytes", "gauge",
                    "kmesh_daemon_cpu_usage_seconds_total", "counter");
            for (var e : expected.entrySet()) {
                assertEquals(e.getValue(), text.types().get(e.getKey()), e.getKey() + " in " + text.types());
            }
            for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
                assertEquals(OPERATION_TYPES, text.operationTypes("kmesh_bpf_prog_operation_duration_seconds" + suffix), suffix);
            }
            assertTrue(r.stdout().contains("kmesh_perf_records_dropped_total 0.0"), "the ring keeps up: " + r.stdout());
            assertEquals("", promtoolCheckMetrics(r.stdout()), "promtool check metrics");
            assertTrue(r.stderr().startsWith("kmesh-perf-demo: serving http://127.0.0.1:" + port + "/metrics"),
                    "with --print-metrics the status lines go to stderr: " + r.stderr());
        } finally {
            Files.deleteIfExists(stale);
        }
    }

    @Test
    void ctrlCEndsItCleanly() throws Exception {
        int port = DemoProcess.freePort();
        try (DemoProcess p = DemoProcess.start("--port", Integer.toString(port))) {
            p.awaitBody(DemoProcess.metricsUrl(port), DemoCliIT::allTypesIn, Duration.ofSeconds(30));
            KernelObjects held = whileRunning(p);
            p.awaitStdout(out -> out.contains("SYSCALL_SPAN"), Duration.ofSeconds(10)); // a summary line
            String signal = Signals.interrupt(p.pid());
            System.out.println("Ctrl-C sent as " + signal);
            DemoProcess.Result r = p.await(ENDS_WITHIN);
            assertEquals(0, r.exitCode(), signal + ": " + r);
            assertLeftNothing(p.pid(), held, port);
            assertEquals("", r.stderr());
            List<String> summaries = r.stdout().lines().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d .*")).toList();
            assertFalse(summaries.isEmpty(), "stdout is not a terminal: one summary line per second: " + r.stdout());
            String last = summaries.get(summaries.size() - 1);
            for (String type : OPERATION_TYPES) {
                assertTrue(last.contains(type + " "), type + " in " + last);
            }
            assertTrue(last.contains("| dropped 0 (+0), invalid 0 (+0) | maps "), last);
            assertTrue(last.matches(".*\\| programs \\d+, busiest kp_\\w+ .*"), last);
            assertTrue(last.contains("| daemon this process (pid " + p.pid() + "), cpu "), last);
        }
    }

    @Test
    void onATerminalItShowsTheLiveView() throws Exception {
        Path script = Tools.require("script");
        String demo = DemoProcess.command(List.of(), withFreePort(args("--duration", "3"))).stream()
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        // script runs the demo on a pseudo-terminal, so System.console() is not null.
        DemoProcess.Result r = DemoProcess.run(List.of(script.toString(), "-q", "-e", "-c", demo, "/dev/null"), ENDS_WITHIN);
        assertEquals(0, r.exitCode(), r.toString());
        String screen = r.stdout().substring(r.stdout().lastIndexOf("\033[H\033[2J"));
        assertTrue(screen.contains("kmesh-perf demo   http://127.0.0.1:"), screen);
        assertTrue(screen.matches("(?s).*OPERATION\\s+OPS/S\\s+P50\\s+P99\\s+MAX\\s+TOTAL.*"), screen);
        for (String type : OPERATION_TYPES) {
            assertTrue(screen.matches("(?s).*\\n" + type + "\\s+\\d+\\.\\d\\s+\\d.*"), type + " with a rate in\n" + screen);
        }
        assertTrue(screen.contains("RECORDS  read "), screen);
        assertTrue(screen.contains("DAEMON   this process (pid "), screen);
    }

    @Test
    void aPinnedRingIsReadAndNothingIsLoaded() throws Exception {
        try (FakeKmesh kmesh = new FakeKmesh(); PinDirectory pins = PinDirectory.create("kmesh-perf-demo-it")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            int port = DemoProcess.freePort();
            try (DemoProcess p = DemoProcess.start("--ringbuf-pin", pin.toString(), "--port", Integer.toString(port))) {
                URI metrics = DemoProcess.metricsUrl(port);
                p.awaitBody(metrics, b -> b.contains("kmesh_perf_records_invalid_total"), Duration.ofSeconds(30));
                KernelObjects held = Leftovers.heldBy(p.pid());
                // Only map statistics' iterator, which reads the map table and attaches to no hook.
                for (int id : held.programs()) {
                    try (Fd fd = Fd.own(BpfIds.openProgram(id))) {
                        assertEquals("kp_map_stats", ProgInfo.of(fd.get()).name(), "no sample program loaded");
                    }
                }
                assertTrue(held.links().size() <= 1, "at most the iterator's link: " + held);
                assertFalse(held.maps().isEmpty(), "the pinned ring is open");
                assertFalse(Files.exists(Leftovers.demoCgroup(p.pid())), "no cgroup of its own");

                assertEquals(50, kmesh.emit(32, 50, 2, 1_000_000, 25_000));
                String body = p.awaitBody(metrics, b -> b.lines().anyMatch(l -> l.startsWith(
                        "kmesh_bpf_prog_operation_duration_seconds_count{") && l.endsWith("operation_type=\"XDP_SHUTDOWN\"} 50")),
                        Duration.ofSeconds(10));
                assertFalse(body.contains("kmesh_perf_records_dropped_total"), "no counter map is pinned beside the ring");

                p.awaitStdout(out -> out.contains("XDP_SHUTDOWN"), Duration.ofSeconds(10));
                Signals.interrupt(p.pid());
                DemoProcess.Result r = p.await(ENDS_WITHIN);
                assertEquals(0, r.exitCode(), r.toString());
                assertTrue(r.stdout().contains("ring buffer pinned at " + pin), r.stdout());
                assertTrue(r.stdout().contains("dropped n/a"), "without a counter map drops are unknown: " + r.stdout());
            }
        }
    }

    private static List<String> withFreePort(List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.add("--port");
        all.add(Integer.toString(DemoProcess.freePort()));
        return all;
    }

    /** What the running demo holds: its BPF objects; and its cgroup must exist. */
    private static KernelObjects whileRunning(DemoProcess p) throws IOException {
        assertTrue(Files.isDirectory(Leftovers.demoCgroup(p.pid())), "the demo's cgroup " + Leftovers.demoCgroup(p.pid()));
        KernelObjects held = Leftovers.heldBy(p.pid());
        assertTrue(held.programs().size() >= 4, "connect4, the span's two programs and the producer: " + held);
        return held;
    }

    private static void assertLeftNothing(long pid, KernelObjects held, int port) throws Exception {
        assertFalse(Files.exists(Leftovers.demoCgroup(pid)), "its cgroup is removed");
        KernelObjects left = KernelObjects.stillLoaded(held, Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "BPF objects it held are gone: " + left);
        try (ServerSocket again = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "its port is free");
        }
    }

    private static String promtoolCheckMetrics(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Tools.require("promtool").toString(), "check", "metrics").redirectErrorStream(true)
                .start();
        p.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }
}
