package net.kmesh.perf.micrometer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** {@code promtool check metrics}: its complaints about an exposition, one per line. */
final class Promtool {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    /** Aborts the test when promtool is missing, except under CI=true, where it fails. */
    static List<String> check(String text) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMTOOL)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but promtool is missing (Debian package prometheus; .ci/setup installs it)");
            }
            Assumptions.abort("promtool is not installed");
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.isEmpty() ? List.of() : out.lines().toList();
    }
}
