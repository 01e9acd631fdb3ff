package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/** Root drops capabilities for a child JVM, which then opens collectors: the errors name what is missing. */
@KernelRequired
class UnprivilegedStatsKernelTest {
    private static final String NONE = "-all";
    private static final String BPF_AND_PERFMON = "-all,+bpf,+perfmon";

    @Test
    void withoutAnyCapabilityMapStatisticsNameCapBpfAndCapPerfmon() throws Exception {
        assertEquals("PrivilegeException: loading the map iterator was refused (EPERM): map statistics need "
                + "CAP_BPF + CAP_PERFMON (or root), and CAP_SYS_ADMIN to open maps by id", run(NONE, "maps"));
    }

    @Test
    void withoutCapSysAdminOpeningAMapByIdNamesIt() throws Exception {
        try (TestMaps maps = new TestMaps()) {
            int id = TestMaps.id(maps.create("u", MapType.HASH, 4, 8, 10, 0));
            assertEquals("PrivilegeException: opening BPF map id " + id + " was refused (EPERM): opening maps by id, "
                    + "which reading their memlock needs, requires CAP_SYS_ADMIN",
                    run(BPF_AND_PERFMON, "maps-by-id", Integer.toString(id)));
        }
    }

    @Test
    void capBpfAndCapPerfmonSufficeForPinnedMaps() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory pins = PinDirectory.create("kmesh-perf-mapstats")) {
            int fd = maps.create("p", MapType.HASH, 4, 8, 10, 0);
            maps.fill(fd, 3);
            Path pin = pins.pin(fd, "p");
            String out = run(0, BPF_AND_PERFMON, "maps-pinned", pin.toString());
            assertTrue(out.contains("read [MapStats[id=" + TestMaps.id(fd) + ", name=" + maps.prefix() + "p, type=hash, "
                    + "keySize=4, valueSize=8, maxEntries=10, entries=3, "), out);
        }
    }

    @Test
    void withoutCapSysAdminProgramStatisticsNameIt() throws Exception {
        String expected = "PrivilegeException: enabling BPF run-time statistics (BPF_ENABLE_STATS) was refused (EPERM): "
                + "program statistics need CAP_SYS_ADMIN (or root)";
        assertEquals(expected, run(NONE, "programs"));
        assertEquals(expected, run(BPF_AND_PERFMON, "programs"));
    }

    /** Runs {@link UnprivilegedStats} as root limited to {@code boundingSet}; returns its one line of error. */
    private static String run(String boundingSet, String... args) throws Exception {
        String out = run(3, boundingSet, args);
        return out.lines().filter(l -> l.startsWith("PrivilegeException")).findFirst().orElse(out);
    }

    /** Runs {@link UnprivilegedStats} as root limited to {@code boundingSet}, expecting {@code exit}; returns its output. */
    private static String run(int exit, String boundingSet, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=" + boundingSet, "--inh-caps=-all",
                "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UnprivilegedStats.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(exit, p.waitFor(), out);
        return out;
    }
}
