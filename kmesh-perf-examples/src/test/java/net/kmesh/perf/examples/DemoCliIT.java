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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import net.kmesh.perf.testing.PrometheusText;
import org.junit.jupiter.api.Assumptions;
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
                "--kmesh", "--observe", "--names", "--map-prefix", "--maps", "--daemon-pid", "--daemon-cgroup", "--print-metrics", "--help", "--debug")) {
            assertTrue(r.stdout().contains(option), option);
        }
        assertEquals("", r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--frobnicate", "--port abc", "--ringbuf-pin /sys/fs/bpf/x --ringbuf-map kmesh_perf_info",
        "--daemon-pid 1 --daemon-cgroup /sys/fs/cgroup", "--observe", "--names kmesh", "--kmesh --workload 5"})
    void aBadArgumentExits2WithOneLine(String args) throws Exception {
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN, args.split(" "));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(theOnlyLine(r).endsWith("(see --help)"));
        assertEquals("", r.stdout());
    }

    @Test
    void anEmptyPinPathExits2() throws Exception {
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN, "--ringbuf-pin", "");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(theOnlyLine(r).startsWith("kmesh-perf-demo: --ringbuf-pin: the pin path is empty"), r.stderr());
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
    void aPinThatIsABpffsDirectoryIsNotAPinnedObjectAndExits1() throws Exception {
        Path bpffs = net.kmesh.perf.bpf.sys.Mounts.bpffs().orElseThrow(() -> new AssertionError("no bpffs"));
        DemoProcess.Result r = DemoProcess.run(ENDS_WITHIN, withFreePort(args("--ringbuf-pin", bpffs.toString()))
                .toArray(String[]::new));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(theOnlyLine(r).contains(bpffs + " is a directory, not a pinned ring buffer"), r.stderr());
    }

    @Test
    void aPathOutsideAnyBpffsExits1() throws Exception {
        DemoProcess.Result pin = DemoProcess.run(ENDS_WITHIN, withFreePort(args("--ringbuf-pin", "/tmp/km_perf_info"))
                .toArray(String[]::new));
        assertEquals(1, pin.exitCode(), pin.toString());
        assertTrue(theOnlyLine(pin).contains("--ringbuf-pin /tmp/km_perf_info is not in a bpffs"), pin.stderr());
        DemoProcess.Result kmesh = DemoProcess.run(ENDS_WITHIN, withFreePort(args("--kmesh=/tmp")).toArray(String[]::new));
        assertEquals(1, kmesh.exitCode(), kmesh.toString());
        assertTrue(theOnlyLine(kmesh).contains("--kmesh=/tmp is not a bpffs"), kmesh.stderr());
    }

    @Test
    void aPinThatDoesNotExistYetIsWaitedForThenRead() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-demo-it")) {
            Path dir = pins.resolve("later");
            Path pin = dir.resolve("kmesh_perf_info");
            int port = DemoProcess.freePort();
            try (DemoProcess p = DemoProcess.start("--ringbuf-pin", pin.toString(), "--port", Integer.toString(port))) {
                String waiting = "kmesh-perf-demo: source pinned " + pin + ": WAITING: no ring buffer is pinned at " + pin;
                p.awaitStdout(out -> out.contains(waiting), Duration.ofSeconds(30));
                p.awaitStdout(out -> out.lines().filter(l -> l.contains("source waiting")).count() >= 3, Duration.ofSeconds(10));
                String metrics = p.awaitBody(DemoProcess.metricsUrl(port), b -> true, Duration.ofSeconds(10));
                assertTrue(metrics.contains("kmesh_perf_records_invalid_total"), "/metrics serves while it waits: " + metrics);

                Files.createDirectory(dir);
                kmesh.pinRing(pin);
                p.awaitStdout(out -> out.contains("kmesh-perf-demo: source pinned " + pin + ": attached to ring map "),
                        Duration.ofSeconds(10));
                assertEquals(50, kmesh.emit(32, 50, 2, 1_000_000, 25_000));
                p.awaitBody(DemoProcess.metricsUrl(port), b -> b.contains(
                        "operation_type=\"XDP_SHUTDOWN\"} 50"),
                        Duration.ofSeconds(10));
                Signals.interrupt(p.pid());
                DemoProcess.Result r = p.await(ENDS_WITHIN);
                assertEquals(0, r.exitCode(), r.toString());
                assertEquals(1, r.stdout().lines().filter(l -> l.startsWith(waiting)).count(),
                        "the waiting state is said once, not every second: " + r.stdout());
                assertTrue(r.stderr().lines().filter(l -> l.contains("no ring buffer is pinned at " + pin)).count() <= 1,
                        "logged once per change: " + r.stderr());
            }
        }
    }

    @Test
    void quietPrintsTheServingLineAndChangesOfTheSourceOnlyNotALinePerSecond() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-demo-it")) {
            Path pin = pins.resolve("kmesh_perf_info");
            int port = DemoProcess.freePort();
            try (DemoProcess p = DemoProcess.start("--ringbuf-pin", pin.toString(), "--port", Integer.toString(port),
                    "--quiet", "--duration", "4")) {
                DemoProcess.Result r = p.await(ENDS_WITHIN);
                assertEquals(0, r.exitCode(), r.toString());
                List<String> lines = r.stdout().lines().toList();
                assertEquals(2, lines.size(), "four seconds, no line per second: " + r.stdout());
                assertTrue(lines.get(0).startsWith("kmesh-perf-demo: serving http://127.0.0.1:" + port + "/metrics "), lines.get(0));
                assertTrue(lines.get(1).startsWith("kmesh-perf-demo: source pinned " + pin + ": WAITING: no ring buffer is pinned at "
                        + pin), lines.get(1));
            }
        }
    }

    @Test
    void aDurationEndsItCleanlyAndPrintMetricsPrintsEveryFamily() throws Exception {
        int port = DemoProcess.freePort();
        // As a demo that was killed (no shutdown hook) leaves it: the next demo removes it.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectory(Leftovers.demoCgroup(gone.pid()));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofMinutes(1)))); // past the grace
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
                    "kmesh_daemon_cpu_usage_seconds_total", "counter",
                    "kmesh_perf_source_up", "gauge",
                    "kmesh_perf_records_consumed_total", "counter",
                    "kmesh_perf_feature_enabled", "gauge");
            for (var e : expected.entrySet()) {
                assertEquals(e.getValue(), text.types().get(e.getKey()), e.getKey() + " in " + text.types());
            }
            for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
                assertEquals(OPERATION_TYPES, text.operationTypes("kmesh_bpf_prog_operation_duration_seconds" + suffix), suffix);
            }
            assertTrue(r.stdout().lines().anyMatch(l -> l.matches("kmesh_perf_records_dropped_total\\{node_name=\"[^\"]+\"} 0\\.0")),
                    "the ring keeps up, and every series names the node: " + r.stdout());
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
            assertTrue(last.startsWith(last.substring(0, 9) + "source attached | "), last);
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
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-demo-it")) {
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
                assertTrue(r.stdout().contains("pinned " + pin), r.stdout());
                assertTrue(r.stdout().contains("dropped unknown"), "without a counter map drops are unknown: " + r.stdout());
            }
        }
    }

    @Test
    void aCgroupLeftByADemoKilledAsPid1OfAPidNamespaceIsTakenOverByTheNext() throws Exception {
        Path unshare = Tools.require("unshare");
        Path left = Leftovers.demoCgroup(1);
        Assumptions.assumeFalse(Files.exists(left) && StaleCgroups.populated(left),
                "another demo runs as pid 1 of a pid namespace beside this test's");
        int port = DemoProcess.freePort();
        try (DemoProcess first = DemoProcess.start(inPidNamespace(unshare, port))) {
            first.awaitBody(DemoProcess.metricsUrl(port), DemoCliIT::allTypesIn, Duration.ofSeconds(30));
            assertTrue(Files.isDirectory(left), "pid 1 makes " + left);
            ProcessHandle demo = theDemoUnder(first);
            assertTrue(new ProcessBuilder("kill", "-KILL", Long.toString(demo.pid())).start().waitFor() == 0);
            first.await(ENDS_WITHIN);
            assertTrue(Files.isDirectory(left) && !StaleCgroups.populated(left), "SIGKILL ran no shutdown hook: "
                    + left + " is left, empty");
        }
        port = DemoProcess.freePort();
        try (DemoProcess second = DemoProcess.start(inPidNamespace(unshare, port))) {
            // Every operation type, SYSCALL_SPAN too: the spanning sample follows the kernel's pid, not 1.
            second.awaitBody(DemoProcess.metricsUrl(port), DemoCliIT::allTypesIn, Duration.ofSeconds(30));
            assertTrue(StaleCgroups.populated(left), "the next pid-1 demo runs in " + left);
            String signal = Signals.interrupt(theDemoUnder(second).pid());
            DemoProcess.Result r = second.await(ENDS_WITHIN);
            assertEquals(0, r.exitCode(), signal + ": " + r);
            assertFalse(Files.exists(left), "and removes it when it ends");
        } finally {
            if (Files.isDirectory(left) && !StaleCgroups.populated(left)) {
                Files.delete(left);
            }
        }
    }

    /** The demo as pid 1 of a new pid namespace, with a /proc of its own, as in a container. */
    private static List<String> inPidNamespace(Path unshare, int port) {
        List<String> command = new ArrayList<>(List.of(unshare.toString(), "--pid", "--fork", "--mount-proc"));
        command.addAll(DemoProcess.command(List.of(), args("--port", Integer.toString(port))));
        return command;
    }

    private static ProcessHandle theDemoUnder(DemoProcess unshare) {
        return ProcessHandle.of(unshare.pid()).orElseThrow().children().findFirst()
                .orElseThrow(() -> new AssertionError("no demo under unshare " + unshare.pid()));
    }

    @Test
    void runningOutOfFdsDegradesAScrapeNotTheRun() throws Exception {
        Path prlimit = Tools.require("prlimit");
        int port = DemoProcess.freePort();
        URI metrics = DemoProcess.metricsUrl(port);
        try (DemoProcess p = DemoProcess.start("--port", Integer.toString(port))) {
            String full = p.awaitBody(metrics, b -> allTypesIn(b) && mapLines(b) > 0, Duration.ofSeconds(30));
            long open = countFds(p.pid());
            String hard = hardFdLimit(p.pid());
            // No fd left beyond those it holds: a scrape that needs one (a map iterator, a /proc file) gets EMFILE.
            runOrFail(prlimit.toString(), "--pid", Long.toString(p.pid()), "--nofile=" + open + ":" + hard);
            List<String> answers = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                answers.add(scrape(metrics));
                Thread.sleep(500);
            }
            assertTrue(p.isAlive(), "the run goes on without fds: " + p.stderr());
            runOrFail(prlimit.toString(), "--pid", Long.toString(p.pid()), "--nofile=" + hard + ":" + hard);
            assertTrue(answers.stream().anyMatch(a -> !a.startsWith("200 ") || mapLines(a) < mapLines(full)),
                    "some scrape was degraded: " + answers.stream().map(a -> a.lines().findFirst().orElse("")).toList());
            String again = p.awaitBody(metrics, b -> allTypesIn(b) && mapLines(b) == mapLines(full), Duration.ofSeconds(30));
            assertTrue(again.contains("kmesh_daemon_memory_usage_bytes"), "every family is back: " + again);
            assertTrue(p.stderr().contains("EMFILE") || p.stderr().contains("errno 24")
                    || p.stderr().contains("Too many open files"),
                    "it did run out of fds: " + p.stderr());

            Signals.interrupt(p.pid());
            DemoProcess.Result r = p.await(ENDS_WITHIN);
            assertEquals(0, r.exitCode(), r.toString());
            assertFalse(Files.exists(Leftovers.demoCgroup(p.pid())), "its cgroup is removed");
        }
    }

    /** "STATUS BODY" of one GET, or "failed: why" when there was no answer. */
    private static String scrape(URI url) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException | InterruptedException e) {
            return "failed: " + e;
        }
    }

    private static long mapLines(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("kmesh_map")).count();
    }

    private static long countFds(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    private static String hardFdLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).strip().split("\\s+")[1];
            }
        }
        throw new AssertionError("no open-files limit in /proc/" + pid + "/limits");
    }

    private static void runOrFail(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
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
