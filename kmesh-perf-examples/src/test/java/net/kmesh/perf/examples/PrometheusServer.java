package net.kmesh.perf.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server for one test: loopback only, storage in the test's directory, scraping
 * one target every second and evaluating the given rules every second. {@link #close()} stops it.
 */
final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final URI base;

    private PrometheusServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Starts {@code prometheus} on 127.0.0.1:{@code port}, scraping {@code target} (host:port) as job
     * {@code kmesh-perf}, with {@code rules} loaded; its config, data and log live in {@code dir}.
     */
    static PrometheusServer start(Path prometheus, Path dir, int port, String target, Path rules) throws IOException {
        return start(prometheus, dir, port, target, rules, Map.of());
    }

    /**
     * As {@link #start(Path, Path, int, String, Path)}, with {@code labels} added to every series
     * scraped from the target (a static_config's labels, as a Kubernetes scrape adds pod labels).
     */
    static PrometheusServer start(Path prometheus, Path dir, int port, String target, Path rules,
                                  Map<String, String> labels) throws IOException {
        StringBuilder targetLabels = new StringBuilder();
        labels.forEach((k, v) -> targetLabels.append("\n          ").append(k).append(": \"").append(v).append('"'));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: kmesh-perf
                    static_configs:
                      - targets: ["%s"]
                """.formatted(rules.toAbsolutePath(), target)
                + (labels.isEmpty() ? "" : "        labels:" + targetLabels + "\n"));
        return start(prometheus, dir, port, config);
    }

    /** Starts {@code prometheus} on 127.0.0.1:{@code port} with the configuration file {@code config}. */
    static PrometheusServer start(Path prometheus, Path dir, int port, Path config) throws IOException {
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return new PrometheusServer(p, log, URI.create("http://127.0.0.1:" + port));
    }

    /** Waits for {@code /-/ready}. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus was not ready within " + timeout + ":\n" + log());
    }

    /**
     * The answer of {@code GET /api/v1/query}.
     *
     * @param status "success" or "error"
     * @param error  the error message when not successful
     * @param series the labels of each series (one empty map for a scalar)
     * @param values the value of each series, in the same order
     */
    record Answer(String status, String error, List<Map<String, String>> series, List<Double> values) {
        Answer(String status, String error, List<Map<String, String>> series) {
            this(status, error, series, List.of());
        }

        boolean ok() {
            return "success".equals(status);
        }
    }

    Answer query(String promql) throws IOException, InterruptedException {
        URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode root = get(uri);
        List<Map<String, String>> series = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        JsonNode data = root.path("data");
        if ("scalar".equals(data.path("resultType").asText())) {
            series.add(Map.of());
            values.add(Double.parseDouble(data.path("result").path(1).asText()));
        } else {
            for (JsonNode r : data.path("result")) {
                Map<String, String> labels = new HashMap<>();
                r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                series.add(labels);
                // An instant vector's sample is [time, "value"]; a range vector has values instead.
                values.add(r.has("value") ? Double.parseDouble(r.path("value").path(1).asText()) : Double.NaN);
            }
        }
        return new Answer(root.path("status").asText(), root.path("error").asText(""), series, values);
    }

    /** Each loaded rule's name and health ("ok", "err", "unknown" before it is evaluated), with its last error. */
    Map<String, String> ruleHealth() throws IOException, InterruptedException {
        Map<String, String> health = new HashMap<>();
        for (JsonNode group : get(base.resolve("/api/v1/rules")).path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String h = rule.path("health").asText();
                String error = rule.path("lastError").asText("");
                health.put(rule.path("name").asText(), error.isEmpty() ? h : h + ": " + error);
            }
        }
        return health;
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
