package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libbpf's messages go to SLF4J, never straight to stderr. */
@KernelRequired
class LibbpfLogKernelTest {

    @Test
    void libbpfWarningsReachTheLoggerAndNotStderr() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.logFile=System.out", "-cp", System.getProperty("java.class.path"),
                LibbpfNoise.class.getName())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out + err);
        assertTrue(out.contains("refused: libbpf cannot parse BPF object noise"), out);
        assertTrue(out.contains("net.kmesh.perf.bpf.libbpf - libbpf:"), "libbpf's own words, through SLF4J: " + out);
        assertEquals("", err, "nothing on stderr");
    }
}
