package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.TestMaps;
import net.kmesh.perf.bpf.samples.SampleCgroup;
import org.junit.jupiter.api.Test;

/**
 * Each feature works with exactly the capabilities the README lists for it, and without them the
 * monitor names what is missing and keeps what it can still serve. Root runs a child JVM whose
 * capabilities are limited to a set with setpriv.
 */
@KernelRequired
class CapabilitySetsKernelTest {
    private static final String DURATIONS = "records 100";

    /** The child's output: one line per fact, and its exit code. */
    record Run(int exit, List<String> lines) {
        boolean has(String line) {
            return lines.contains(line);
        }

        boolean hasStarting(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }

        String error() {
            return lines.stream().filter(l -> l.startsWith("error ")).findFirst().orElse("(no error) " + lines);
        }
    }

    private static Run run(String capabilities, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-all" + capabilities,
                "--inh-caps=-all", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=off", "-cp", System.getProperty("java.class.path"),
                CapabilityProbe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out.lines().toList());
    }

    @Test
    void withoutCapBpfNothingOpensAndTheMessageNamesIt() throws Exception {
        Run r = run("");
        assertEquals(3, r.exit());
        assertTrue(r.error().contains("lacks CAP_BPF"), r.error());
    }

    @Test
    void capBpfAloneIsNotEnoughToLoadTheSamples() throws Exception {
        Run r = run(",+bpf");
        assertEquals(3, r.exit());
        assertTrue(r.error().contains("lacks CAP_PERFMON"), r.error());
    }

    @Test
    void capBpfAndPerfmonServeDurationsAndTheSpanningSample() throws Exception {
        Run r = run(",+bpf,+perfmon", "span");
        assertEquals(0, r.exit(), r.lines().toString());
        assertTrue(r.has(DURATIONS), r.lines().toString());
        assertTrue(r.hasStarting("features [") && r.lines().get(0).contains("TP_BTF"), r.lines().toString());
    }

    @Test
    void withoutCapSysAdminMapAndProgramStatisticsAreOffAndSaySoWhileDurationsGoOn() throws Exception {
        Run r = run(",+bpf,+perfmon", "maps=kmesh", "programs");
        assertEquals(0, r.exit(), r.lines().toString());
        assertTrue(r.has(DURATIONS), r.lines().toString());
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("note map statistics are off") && l.contains("CAP_SYS_ADMIN")),
                r.lines().toString());
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("note program statistics are off")
                && l.contains("CAP_SYS_ADMIN")), r.lines().toString());
        assertTrue(r.has("maps 0") && r.has("programs 0"));
    }

    @Test
    void mapsSelectedByPinPathNeedOnlyCapBpfAndPerfmon() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test"); TestMaps maps = new TestMaps()) {
            Path pin = pins.pin(maps.create("cap", MapType.HASH, 4, 4, 16, 0), "kmesh_captest");
            Run r = run(",+bpf,+perfmon", "maps=pinned:" + pin);
            assertEquals(0, r.exit(), r.lines().toString());
            assertTrue(r.has("maps 1"), r.lines().toString());
        }
    }

    @Test
    void capSysAdminServesMapsByNameAndProgramStatistics() throws Exception {
        Run r = run(",+sys_admin", "maps=kmesh", "programs");
        assertEquals(0, r.exit(), r.lines().toString());
        assertTrue(r.has(DURATIONS), r.lines().toString());
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("maps ") && !l.equals("maps 0")), r.lines().toString());
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("programs ") && !l.equals("programs 0")),
                r.lines().toString());
    }

    @Test
    void attachingToACgroupNeedsCapNetAdminAsWell() throws Exception {
        try (SampleCgroup cgroup = SampleCgroup.enter("kmesh-perf-captest-" + ProcessHandle.current().pid())) {
            Run without = run(",+bpf,+perfmon", "cgroup=" + cgroup.path());
            assertEquals(3, without.exit());
            assertTrue(without.error().contains("lacks CAP_NET_ADMIN"), without.error());
            Run with = run(",+bpf,+perfmon,+net_admin", "cgroup=" + cgroup.path());
            assertEquals(0, with.exit(), with.lines().toString());
            assertTrue(with.lines().get(0).contains("CGROUP_CONNECT"), with.lines().toString());
        }
    }

    @Test
    void aRunningKmeshsRingByPinPathNeedsCapBpfOnlyButByNameCapSysAdmin() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            Run pinned = run(",+bpf", "pinned=" + pin);
            assertEquals(0, pinned.exit(), pinned.lines().toString());
            Run named = run(",+bpf,+perfmon", "named=kmesh_perf_info");
            assertEquals(3, named.exit());
            assertTrue(named.error().contains("CAP_SYS_ADMIN"), named.error());
            Run namedAdmin = run(",+sys_admin", "named=kmesh_perf_info");
            assertEquals(0, namedAdmin.exit(), namedAdmin.lines().toString());
        }
    }

    static {
        // The child JVMs read the test class path as root without CAP_DAC_OVERRIDE: it must be ours.
        assert Files.isReadable(Path.of(System.getProperty("java.home")));
    }
}
