package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The launcher script ({@code kmesh-perf-demo}) and what the demo jar promises a per-node agent:
 * the JVM options it runs with, the footprint they buy, and no native-access warning on JDK 22+.
 */
@KernelRequired
class LauncherIT {
    /** Issue 13's target for the demo at 100,000 operations/s. */
    private static final long MAX_RSS_KIB = 128 * 1024;
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(60);

    private static Path launcher() {
        Path script = Path.of(System.getProperty("demo.launcher", "kmesh-perf-demo"));
        assertTrue(Files.isExecutable(script), script + " is an executable script");
        return script;
    }

    /** The launcher with this JVM's java and the jar the build made. */
    private static DemoProcess start(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(launcher().toString()));
        command.addAll(List.of(args));
        return DemoProcess.start(command, Map.of("KMESH_PERF_DEMO_JAR", DemoProcess.jar().toString(),
                "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }

    @Test
    void theLauncherRunsTheJarWithTheAgentsJvmOptionsAndItsExitCode() throws Exception {
        int port = DemoProcess.freePort();
        try (DemoProcess p = start("--duration", "4", "--workload", "10", "--port", Integer.toString(port))) {
            p.awaitBody(DemoProcess.metricsUrl(port), b -> b.contains("kmesh_perf_source_up"), ENDS_WITHIN);
            // exec: the script's process is the JVM.
            String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
            for (String option : List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar")) {
                assertTrue(cmdline.contains(option), option + " in " + cmdline);
            }
            String environ = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"));
            assertTrue(environ.contains("\0MALLOC_ARENA_MAX=2\0") || environ.startsWith("MALLOC_ARENA_MAX=2\0"), environ);
            assertEquals(0, p.await(ENDS_WITHIN).exitCode());
        }
        DemoProcess.Result bad = start("--port", "x").await(ENDS_WITHIN);
        assertEquals(2, bad.exitCode(), "the demo's exit code passes through: " + bad);
    }

    @Test
    void atOneHundredThousandOperationsASecondItStaysUnder128MiB() throws Exception {
        int port = DemoProcess.freePort();
        try (DemoProcess p = start("--duration", "20", "--workload", "100000", "--port", Integer.toString(port))) {
            p.awaitBody(DemoProcess.metricsUrl(port), b -> b.contains("SOCK_TRAFFIC_CONTROL"), ENDS_WITHIN);
            long max = 0;
            for (int i = 0; i < 12 && p.isAlive(); i++) {
                max = Math.max(max, vmRssKib(p.pid()));
                Thread.sleep(1_000);
            }
            String metrics = p.awaitBody(DemoProcess.metricsUrl(port), b -> true, ENDS_WITHIN);
            System.out.println("VmRSS max " + max / 1024 + " MiB; " + metrics.lines()
                    .filter(l -> l.startsWith("kmesh_perf_records_")).toList());
            assertTrue(max > 0 && max <= MAX_RSS_KIB, "VmRSS " + max + " KiB, at most " + MAX_RSS_KIB);
            assertEquals(0, p.await(ENDS_WITHIN).exitCode());
        }
    }

    private static long vmRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    @Test
    void theJarEnablesNativeAccessSoJdk22AndLaterWarnNothing() throws Exception {
        try (JarFile jar = new JarFile(DemoProcess.jar().toFile())) {
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
        Optional<Path> recent = javaOfAtLeast(22);
        Assumptions.assumeTrue(recent.isPresent(), "no JDK 22 or later under /usr/lib/jvm to run the jar with");
        int port = DemoProcess.freePort();
        List<String> command = List.of(recent.get().toString(), "-jar", DemoProcess.jar().toString(), "--duration", "3",
                "--workload", "10", "--port", Integer.toString(port));
        DemoProcess.Result r = DemoProcess.run(command, ENDS_WITHIN);
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stderr().contains("WARNING"), recent.get() + " warns: " + r.stderr());
        assertTrue(r.stdout().contains("SOCK_TRAFFIC_CONTROL"), "JNA and libbpf ran: " + r.stdout());
    }

    /** A {@code bin/java} under /usr/lib/jvm whose {@code release} file says JAVA_VERSION {@code feature} or later. */
    private static Optional<Path> javaOfAtLeast(int feature) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                Path java = home.resolve("bin/java");
                if (Files.isRegularFile(release) && Files.isExecutable(java)) {
                    for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                        if (line.startsWith("JAVA_VERSION=")) {
                            String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                            if (Integer.parseInt(v.split("[.+-]")[0]) >= feature) {
                                return Optional.of(java);
                            }
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
