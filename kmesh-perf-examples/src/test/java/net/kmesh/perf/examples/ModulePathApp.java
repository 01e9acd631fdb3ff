package net.kmesh.perf.examples;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A tiny application module, {@code app}, that uses kmesh-perf as a service would on the module
 * path: it requires {@code net.kmesh.perf} and {@code net.kmesh.perf.micrometer}, and
 * {@code net.kmesh.perf.bpf} only statically (to drive the samples), so at run time the provider
 * module is resolved by service binding alone. Compiled at test time against the jars of the running
 * build, run in child JVMs. It prints one {@code key=value} per line.
 */
final class ModulePathApp {
    static final String MODULE_INFO = """
            module app {
                requires net.kmesh.perf;
                requires net.kmesh.perf.micrometer;
                requires micrometer.core;
                // Compile time only: at run time net.kmesh.perf.bpf is on the module path and is
                // resolved because it provides the PerfMonitorProvider that net.kmesh.perf uses.
                requires static net.kmesh.perf.bpf;
            }
            """;

    static final String MAIN = """
            package app;

            import io.micrometer.core.instrument.FunctionCounter;
            import io.micrometer.core.instrument.FunctionTimer;
            import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
            import java.util.concurrent.TimeUnit;
            import net.kmesh.perf.Capabilities.Feature;
            import net.kmesh.perf.PerfMonitor;
            import net.kmesh.perf.PerfMonitorConfig;
            import net.kmesh.perf.PerfSnapshot;
            import net.kmesh.perf.RecordSource;
            import net.kmesh.perf.bpf.samples.SampleWorkload;
            import net.kmesh.perf.micrometer.KmeshPerfMetrics;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    long type = Long.parseLong(args[0]);
                    int count = Integer.parseInt(args[1]);
                    PerfMonitorConfig config = PerfMonitorConfig.builder().source(RecordSource.samples()).build();
                    try (PerfMonitor monitor = PerfMonitor.open(config);
                         KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
                        SimpleMeterRegistry registry = new SimpleMeterRegistry();
                        metrics.bindTo(registry);
                        monitor.start();
                        System.out.println("app.module=" + Main.class.getModule().getName());
                        System.out.println("monitor.module=" + monitor.getClass().getModule().getName());
                        System.out.println("binder.module=" + KmeshPerfMetrics.class.getModule().getName());
                        SampleWorkload samples = monitor.unwrap(SampleWorkload.class).orElseThrow();
                        SampleWorkload.Result produced = samples.produce(type, count, SampleWorkload.Mode.SYNTHETIC, 1_000);
                        System.out.println("emitted=" + produced.emitted());
                        System.out.println("dropped=" + produced.dropped());
                        FunctionCounter consumed = registry.get("kmesh.perf.records.consumed").functionCounter();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (consumed.count() < produced.emitted() && System.nanoTime() < deadline) {
                            Thread.sleep(100);
                        }
                        System.out.println("consumed=" + (long) consumed.count());
                        FunctionTimer timer = registry.find("kmesh.bpf.prog.operation.duration")
                                .tag("operation_type", Long.toString(type)).functionTimer();
                        System.out.println("timer.count=" + (timer == null ? -1 : (long) timer.count()));
                        PerfSnapshot snapshot = monitor.snapshot();
                        System.out.println("map_iterator=" + snapshot.features().contains(Feature.MAP_ITERATOR));
                        monitor.capabilities().notes().forEach(n -> System.out.println("note=" + n));
                    }
                }
            }
            """;

    private ModulePathApp() {
    }

    /**
     * The build's module path (the kmesh-perf jars and their run-time dependencies), from the failsafe
     * configuration.
     */
    static String modulePath() {
        String mp = System.getProperty("kmesh-perf.module-path", "");
        if (mp.isBlank() || mp.startsWith("${")) {
            throw new AssertionError("kmesh-perf.module-path is not set: run this test through 'mvn verify' of the "
                    + "kmesh-perf build, whose failsafe configuration passes the jars it built");
        }
        return mp;
    }

    /** Compiles the application module into {@code work/app}, against {@code modulePath}. */
    static Path compile(Path work, String modulePath) throws IOException {
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("app/Main.java"), MAIN);
        Path out = work.resolve("app");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "17", "--module-path", modulePath,
                "-d", out.toString(), src.resolve("module-info.java").toString(), src.resolve("app/Main.java").toString());
        if (rc != 0) {
            throw new AssertionError("compiling the application module failed:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** What one run printed, and how it ended. */
    record Run(List<String> command, int exitCode, String output, Map<String, String> values, List<String> notes) {
        String value(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new AssertionError("the application printed no " + key + "= line: " + this);
            }
            return v;
        }

        long number(String key) {
            return Long.parseLong(value(key));
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\nexited " + exitCode + ", printed:\n" + output;
        }
    }

    /**
     * Runs {@code java} with {@code options} and then {@code launch} (e.g. {@code -m app/app.Main}),
     * the application's arguments last; stdout and stderr together.
     */
    static Run run(Path java, List<String> options, List<String> launch, long type, int count)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(options);
        command.addAll(launch);
        command.add(Long.toString(type));
        command.add(Integer.toString(count));
        Path log = Files.createTempFile("kmesh-perf-module-path", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the application did not end within 2 minutes:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            Map<String, String> values = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            for (String line : output.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[a-z_.]+")) {
                    String key = line.substring(0, eq);
                    if (key.equals("note")) {
                        notes.add(line.substring(eq + 1));
                    } else {
                        values.put(key, line.substring(eq + 1));
                    }
                }
            }
            return new Run(command, p.exitValue(), output, values, notes);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
