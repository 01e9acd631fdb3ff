package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;

/**
 * A service whose process runs out of file descriptors while it scrapes (run in a child JVM under
 * {@code prlimit --nofile=512}, never lowering this JVM's own limit): the collector holds at most a
 * quarter of the limit, gives everything back when the process runs out, fails only that scrape,
 * with EMFILE, when nothing is left, and reads again once fds come back.
 */
@KernelRequired
class FdExhaustionKernelTest {
    private static final int LIMIT = 512;

    @Test
    void runningOutOfFdsCostsAScrapeAtMostAndGivesTheServiceTheHeldFdsBack() throws Exception {
        List<String> lines = run(200);
        assertEquals("first 200 held " + LIMIT / 4, lines.get(0), "a quarter of the limit: " + lines);
        assertEquals("second 200 held 0", lines.get(1), lines.toString());
        int freed = Integer.parseInt(lines.get(2).substring("freed ".length()));
        assertTrue(freed >= LIMIT / 4, "the fds the collector held came back to the process: " + lines);
        assertTrue(lines.get(3).startsWith("third failed errno 24: map statistics skipped this scrape: the process "
                + "has no file descriptor left (EMFILE) even after map statistics released the 0 they held; raise its "
                + "limit (ulimit -n, LimitNOFILE=) or select fewer maps"), lines.get(3));
        assertEquals("fourth 200 held 0", lines.get(4), "fds are no longer held once the process ran out");
    }

    private static List<String> run(int maps) throws Exception {
        List<String> command = List.of("prlimit", "--nofile=" + LIMIT + ":" + LIMIT, "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:off",
                "-cp", System.getProperty("java.class.path"), FdExhaustion.class.getName(), Integer.toString(maps));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().toList();
    }
}
