package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real Spring Boot 3.5 and 4.0 application (kmesh-perf-examples/spring-boot/boot3 and boot4), with
 * no kmesh-perf bean of its own, only the dependencies and properties, served while a data plane
 * appears, runs and vanishes. The application starts before the ring exists; every scrape of
 * {@code /actuator/prometheus} answers 200 with the application's own series throughout;
 * {@code kmesh_perf_source_up} and the health component {@code kmeshPerf} follow the data plane, and
 * the records written while it ran are in the histogram. Without privilege, the application still
 * starts and serves, and says once why kmesh-perf cannot work.
 */
@KernelRequired
class SpringBootEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(60);
    /** The monitor notices a ring that appears or vanishes within a few seconds; this leaves room on a busy CI host. */
    private static final Duration SOURCE_CHANGE_WITHIN = Duration.ofSeconds(30);
    private static final String NODE = "spring-e2e-node";
    /** SOCK_TRAFFIC_CONTROL, one of Kmesh's named operation types. */
    private static final long OPERATION_TYPE = 1;
    private static final int RECORDS = 50;
    private static final long DURATION_NS = 2_000;

    @ParameterizedTest(name = "Spring Boot {0}")
    @CsvSource({"boot3, net.kmesh.perf.examples.boot3.Boot3Application",
            "boot4, net.kmesh.perf.examples.boot4.Boot4Application"})
    void aDataPlaneAppearsRunsAndVanishesWhileTheApplicationServesEveryScrape(String app, String mainClass,
                                                                              @TempDir Path work) throws Exception {
        // Kmesh makes its pin directory when it starts: neither the directory nor the pin exist yet.
        Path dir = Path.of("/sys/fs/bpf", "kmesh-perf-spring-" + app + "-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        Path pin = dir.resolve("km_perf_info");
        try (SpringBootApp boot = SpringBootApp.start(app, mainClass, work, "--kmesh.perf.source.pin=" + pin,
                "--kmesh.perf.node-name=" + NODE)) {

            // 1. No data plane: the application is up and serves its own series, the source is down.
            awaitComponent(boot, "WAITING", pin, STARTED_WITHIN);
            String text = boot.await("/actuator/prometheus", "kmesh_perf_source_up 0",
                    t -> sourceUp(t).equals(OptionalDouble.of(0)), SOURCE_CHANGE_WITHIN);
            assertTrue(text.contains("jvm_memory_used_bytes{"), "the application's own series are served");
            try (Scraper scraper = new Scraper(boot)) {

                // 2. The data plane appears and writes records.
                Files.createDirectory(dir);
                try (RawRingWriter kmesh = new RawRingWriter()) {
                    kmesh.pinRing(pin);
                    JsonNode up = awaitComponent(boot, "UP", pin, SOURCE_CHANGE_WITHIN);
                    assertEquals("ATTACHED", up.path("details").path("state").asText(), up.toString());
                    assertTrue(up.path("details").path("ringMapId").isInt(), up.toString());
                    boot.await("/actuator/prometheus", "kmesh_perf_source_up 1",
                            t -> sourceUp(t).equals(OptionalDouble.of(1)), SOURCE_CHANGE_WITHIN);

                    assertEquals(RECORDS, kmesh.emit(32, RECORDS, OPERATION_TYPE, 1_000_000_000L, DURATION_NS));
                    text = boot.await("/actuator/prometheus", RECORDS + " SOCK_TRAFFIC_CONTROL records",
                            t -> operation(t, "_count").equals(OptionalDouble.of(RECORDS)), SOURCE_CHANGE_WITHIN);
                    assertEquals(RECORDS * DURATION_NS / 1e9, operation(text, "_sum").orElseThrow(), 1e-9, text);
                    assertBuckets(text);

                    // 3. It goes away: unpinned and closed, as a stopped Kmesh leaves nothing.
                    Files.delete(pin);
                }
                Files.delete(dir);
                awaitComponent(boot, "WAITING", pin, SOURCE_CHANGE_WITHIN);
                text = boot.await("/actuator/prometheus", "kmesh_perf_source_up 0 after the data plane left",
                        t -> sourceUp(t).equals(OptionalDouble.of(0)), SOURCE_CHANGE_WITHIN);
                assertEquals(OptionalDouble.of(RECORDS), operation(text, "_count"), "totals never go back");

                scraper.assertEveryScrapeServed();
            }

            int exit = boot.stop(Duration.ofSeconds(30));
            String log = boot.log();
            assertTrue(exit == 0 || exit == 143, "exit code after SIGTERM: " + exit + "\n" + log);
            assertFalse(log.lines().anyMatch(l -> l.contains(" ERROR ")), "errors in the log:\n" + log);
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @CsvSource({"boot3, net.kmesh.perf.examples.boot3.Boot3Application",
            "boot4, net.kmesh.perf.examples.boot4.Boot4Application"})
    void withoutPrivilegeTheApplicationStartsAndSaysWhyOnce(String app, String mainClass, @TempDir Path work)
            throws Exception {
        Path setpriv = Tools.require("setpriv");
        Path pin = Path.of("/sys/fs/bpf", "kmesh-perf-spring-" + app + "-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime(), "km_perf_info");
        try (SpringBootApp boot = SpringBootApp.start(
                List.of(setpriv.toString(), "--bounding-set=-all", "--inh-caps=-all", "--"), app, mainClass, work,
                "--kmesh.perf.source.pin=" + pin, "--kmesh.perf.node-name=" + NODE)) {
            JsonNode component = awaitComponent(boot, "UNAVAILABLE", pin, STARTED_WITHIN);
            assertTrue(component.path("details").path("error").asText().contains("CAP_BPF"), component.toString());
            String text = boot.await("/actuator/prometheus", "kmesh_perf_source_up 0",
                    t -> sourceUp(t).equals(OptionalDouble.of(0)), SOURCE_CHANGE_WITHIN);
            assertTrue(text.contains("jvm_memory_used_bytes{"), "the application's own series are served");

            int exit = boot.stop(Duration.ofSeconds(30));
            String log = boot.log();
            assertTrue(exit == 0 || exit == 143, "exit code after SIGTERM: " + exit + "\n" + log);
            List<String> said = log.lines().filter(l -> l.contains("kmesh-perf: the monitor could not open")).toList();
            assertEquals(1, said.size(), "one line says why:\n" + log);
            assertTrue(said.get(0).contains(" WARN ") && said.get(0).contains("CAP_BPF"), said.get(0));
            assertFalse(log.lines().anyMatch(l -> l.contains(" ERROR ") || l.startsWith("\tat ")),
                    "no error and no stack trace in the log:\n" + log);
        }
    }

    /**
     * Polls {@code /actuator/health} until the component {@code kmeshPerf} of the source pinned at
     * {@code pin} is in {@code status}; every answer on the way must be 200 and UP overall, whatever the
     * data plane (or the monitor) does. Returns the component.
     */
    private static JsonNode awaitComponent(SpringBootApp boot, String status, Path pin, Duration timeout)
            throws Exception {
        String body = boot.await("/actuator/health", "component kmeshPerf " + status, b -> {
            JsonNode health = json(b);
            assertEquals("UP", health.path("status").asText(), "the application's health: " + b);
            return health.path("components").path("kmeshPerf").path("status").asText().equals(status);
        }, timeout);
        JsonNode component = json(body).path("components").path("kmeshPerf");
        assertEquals("pinned " + pin, component.path("details").path("source").asText(), body);
        assertTrue(component.path("details").path("features").isArray(), body);
        return component;
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Every bucket at or above the records' duration holds them all, every bucket below none. */
    private static void assertBuckets(String text) {
        Pattern bucket = Pattern.compile("^kmesh_bpf_prog_operation_duration_seconds_bucket\\{([^}]*)}\\s+(\\S+)");
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        int buckets = 0;
        for (String line : text.split("\n")) {
            Matcher m = bucket.matcher(line);
            if (!m.find() || !m.group(1).contains("operation_type=\"SOCK_TRAFFIC_CONTROL\"")) {
                continue;
            }
            Matcher bound = le.matcher(m.group(1));
            assertTrue(bound.find(), line);
            double upper = bound.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound.group(1));
            assertEquals(upper >= DURATION_NS / 1e9 ? RECORDS : 0, Double.parseDouble(m.group(2)), line);
            buckets++;
        }
        assertTrue(buckets > 1, "the histogram has buckets:\n" + text);
    }

    private static OptionalDouble sourceUp(String text) {
        return sample(text, "kmesh_perf_source_up", "node_name=\"" + NODE + "\"");
    }

    private static OptionalDouble operation(String text, String suffix) {
        return sample(text, "kmesh_bpf_prog_operation_duration_seconds" + suffix,
                "operation_type=\"SOCK_TRAFFIC_CONTROL\"");
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");

    /** The value of the one sample of {@code name} whose labels include every one of {@code labels}. */
    static OptionalDouble sample(String text, String name, String... labels) {
        List<Double> values = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.find() || !m.group(1).equals(name)) {
                continue;
            }
            String set = m.group(3) == null ? "" : m.group(3);
            if (List.of(labels).stream().allMatch(set::contains)) {
                values.add(Double.parseDouble(m.group(4)));
            }
        }
        if (values.size() > 1) {
            throw new AssertionError(values.size() + " samples of " + name + " with " + List.of(labels) + ":\n" + text);
        }
        return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(values.get(0));
    }

    /** Scrapes {@code /actuator/prometheus} every 250 ms on its own thread and keeps what went wrong. */
    static final class Scraper implements AutoCloseable {
        private final SpringBootApp boot;
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stop;
        private volatile int scrapes;

        Scraper(SpringBootApp boot) {
            this.boot = boot;
            this.thread = new Thread(this::run, "scraper");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!stop) {
                try {
                    HttpResponse<String> r = boot.get("/actuator/prometheus");
                    if (r.statusCode() != 200) {
                        problems.add("HTTP " + r.statusCode() + ": " + r.body());
                    } else if (!r.body().contains("jvm_memory_used_bytes{")) {
                        problems.add("200 without the application's jvm_* series:\n" + r.body());
                    } else if (sourceUp(r.body()).isEmpty()) {
                        problems.add("200 without kmesh_perf_source_up:\n" + r.body());
                    }
                    scrapes++;
                    Thread.sleep(250);
                } catch (IOException e) {
                    problems.add(e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void assertEveryScrapeServed() throws IOException {
            assertTrue(scrapes > 0, "no scrape happened");
            assertTrue(problems.isEmpty(), problems.size() + " of " + scrapes + " scrapes failed, the first:\n"
                    + (problems.isEmpty() ? "" : problems.get(0)) + "\nthe application's log:\n" + boot.log());
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
