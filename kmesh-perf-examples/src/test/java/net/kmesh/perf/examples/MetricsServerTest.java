package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static HttpResponse<String> send(URI uri, String method) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAreTheScrapedTextWithPrometheusContentType() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, () -> "# scrape " + scrapes.incrementAndGet() + "\n")) {
            server.start();
            URI metrics = server.metricsUri();
            assertEquals("/metrics", metrics.getPath());
            HttpResponse<String> r = send(metrics, "GET");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("# scrape 1\n", r.body());
            assertEquals("# scrape 2\n", send(metrics, "GET").body(), "every request scrapes anew");
            HttpResponse<String> head = send(metrics, "HEAD");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void theRootPageLinksToMetricsAndOtherPathsAreNotFound() throws Exception {
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, () -> "")) {
            server.start();
            HttpResponse<String> root = send(server.metricsUri().resolve("/"), "GET");
            assertEquals(200, root.statusCode());
            assertTrue(root.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(root.body().contains("<a href=\"metrics\">"), root.body());
            assertEquals(404, send(server.metricsUri().resolve("/nope"), "GET").statusCode());
            HttpResponse<String> post = send(server.metricsUri(), "POST");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        }
    }

    @Test
    void aFailedScrapeIsAnError500NotAStoppedServer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return "ok\n";
        })) {
            server.start();
            HttpResponse<String> failed = send(server.metricsUri(), "GET");
            assertEquals(500, failed.statusCode());
            assertTrue(failed.body().contains("boom"));
            assertEquals("ok\n", send(server.metricsUri(), "GET").body());
        }
    }

    @Test
    void aPortInUseIsOneLineThatSaysWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            DemoException e = assertThrows(DemoException.class, () -> MetricsServer.bind(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), () -> ""));
            assertEquals("cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (choose another --port or --bind)", e.getMessage());
        }
    }

    @Test
    @SuppressWarnings("try") // closes twice on purpose
    void closingFreesThePort() throws Exception {
        int port;
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, () -> "")) {
            server.start();
            port = server.address().getPort();
            server.close();
            server.close();
        }
        try (ServerSocket again = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
    }

    @Test
    void aWildcardAddressIsShownAsLocalhost() {
        try (MetricsServer server = MetricsServer.bind(new InetSocketAddress(0), () -> "")) {
            assertEquals("localhost", server.metricsUri().getHost());
        }
    }
}
