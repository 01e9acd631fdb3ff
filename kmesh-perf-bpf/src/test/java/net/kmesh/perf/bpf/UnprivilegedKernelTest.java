package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.Errno;
import org.junit.jupiter.api.Test;

/** Root drops every capability for a child JVM, which then tries to open a monitor. */
@KernelRequired
class UnprivilegedKernelTest {

    @Test
    void withoutCapabilitiesOpeningSaysWhichOnesAreNeeded() throws Exception {
        Process p = new ProcessBuilder(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UnprivilegedOpen.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(3, p.waitFor(), out);
        assertEquals("PrivilegeException: creating a BPF map was refused (EPERM): this process lacks CAP_BPF; " + Errno.PRIVILEGE_HINT,
                out.lines().filter(l -> l.startsWith("PrivilegeException")).findFirst().orElse(out));
    }
}
