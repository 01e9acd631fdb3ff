package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.ProgramSelector;
import org.junit.jupiter.api.Test;

/** A monitor changes no global setting behind the user's back, not even while it runs. */
@KernelRequired
class GlobalStateKernelTest {

    private static String sysctl() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip();
    }

    private static String memlockLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max locked memory")).findFirst().orElseThrow();
    }

    @Test
    void programStatisticsLeaveTheSysctlAndTheMemlockLimitAlone() throws Exception {
        String sysctl = sysctl();
        String limit = memlockLimit();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .programs(ProgramSelector.namePrefix("kp_")).build()).start()) {
            assertTrue(monitor.capabilities().has(Feature.BPF_STATS));
            assertEquals(sysctl, sysctl(), "stats are held through an fd, not the sysctl");
            assertEquals(limit, memlockLimit(), "the memlock rlimit is libbpf's business");
        }
        assertEquals(sysctl, sysctl());
        assertEquals(limit, memlockLimit());
    }
}
