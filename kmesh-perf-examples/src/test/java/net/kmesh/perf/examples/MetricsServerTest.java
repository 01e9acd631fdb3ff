package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static HttpResponse<String> send(URI uri, String method) throws IOException, InterruptedException {
        return send(uri, method, Duration.ofSeconds(5));
    }

    private static HttpResponse<String> send(URI uri, String method, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A registry with one counter whose value is the number of times it was collected. */
    private static PrometheusRegistry countingRegistry(AtomicInteger scrapes) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(() -> CounterSnapshot.builder().name("demo_scrapes")
                .dataPoint(CounterDataPointSnapshot.builder().value(scrapes.incrementAndGet()).build()).build());
        return registry;
    }

    @Test
    void metricsAreTheRegistrysTextWithPrometheusContentType() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, countingRegistry(scrapes))) {
            server.start();
            URI metrics = server.metricsUri();
            assertEquals("/metrics", metrics.getPath());
            HttpResponse<String> r = send(metrics, "GET");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(r.body().contains("demo_scrapes_total 1.0"), r.body());
            assertTrue(send(metrics, "GET").body().contains("demo_scrapes_total 2.0"), "every request scrapes anew");
            HttpResponse<String> head = send(metrics, "HEAD");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void openMetricsIsServedToAScraperThatAsksForIt() throws Exception {
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, countingRegistry(new AtomicInteger()))) {
            server.start();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.metricsUri())
                    .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
            assertTrue(r.body().endsWith("# EOF\n"), r.body());
        }
    }

    @Test
    void theRootPageLinksToMetricsAndOtherPathsAreNotFound() throws Exception {
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, new PrometheusRegistry())) {
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
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return CounterSnapshot.builder().name("ok").dataPoint(CounterDataPointSnapshot.builder().value(1).build())
                    .build();
        });
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, registry)) {
            server.start();
            assertEquals(500, send(server.metricsUri(), "GET").statusCode());
            HttpResponse<String> next = send(server.metricsUri(), "GET");
            assertEquals(200, next.statusCode());
            assertTrue(next.body().contains("ok_total 1.0"), next.body());
        }
    }

    @Test
    void twoClientsThatSendHalfARequestDoNotStallMetrics() throws Exception {
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, countingRegistry(new AtomicInteger()))) {
            server.start();
            List<Socket> stuck = halfSentRequests(server.address(), 2);
            try {
                long start = System.nanoTime();
                HttpResponse<String> r = send(server.metricsUri(), "GET", Duration.ofSeconds(2));
                assertEquals(200, r.statusCode());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(1)) < 0,
                        "answered at once beside two stuck clients");
            } finally {
                closeAll(stuck);
            }
        }
    }

    @Test
    void moreStuckClientsThanThreadsAreCutAtTheRequestTimeLimit() throws Exception {
        Duration limit = MetricsServer.maxRequestTime();
        assertEquals(Duration.ofSeconds(MetricsServer.MAX_REQUEST_SECONDS), limit,
                "the JDK server took this class's request time limit");
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, countingRegistry(new AtomicInteger()))) {
            server.start();
            List<Socket> stuck = halfSentRequests(server.address(), MetricsServer.THREADS + 4);
            try {
                // Every thread is held, so this request may be refused (its connection closed) until the
                // limit frees them: a scraper retries at its next interval, here every 200 ms.
                long start = System.nanoTime();
                Duration deadline = limit.plusSeconds(5);
                HttpResponse<String> answer = null;
                while (answer == null && Duration.ofNanos(System.nanoTime() - start).compareTo(deadline) < 0) {
                    try {
                        answer = send(server.metricsUri(), "GET", Duration.ofSeconds(1));
                    } catch (IOException e) {
                        Thread.sleep(200);
                    }
                }
                assertTrue(answer != null && answer.statusCode() == 200, "/metrics answered within " + deadline);
                for (Socket s : stuck) {
                    s.setSoTimeout((int) deadline.toMillis());
                    assertEquals(-1, readOrEnd(s.getInputStream()), "the server closed a stuck client's connection");
                }
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(deadline) < 0,
                        "stuck clients are cut after about " + limit);
            } finally {
                closeAll(stuck);
            }
        }
    }

    /** Connections that each sent the start of a request and nothing more. */
    private static List<Socket> halfSentRequests(InetSocketAddress server, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(server.getAddress(), server.getPort());
            sockets.add(s);
            OutputStream out = s.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        return sockets;
    }

    /** Reads until the end of the stream (-1), skipping any error response the server sent first. */
    private static int readOrEnd(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // an answer to the half request, if any, before the close
            }
            return -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1; // reset by the server
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void aPortInUseIsOneLineThatSaysWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            DemoException e = assertThrows(DemoException.class, () -> MetricsServer.bind(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), new PrometheusRegistry()));
            assertEquals("cannot serve /metrics on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (choose another --port or --bind)", e.getMessage());
        }
    }

    @Test
    @SuppressWarnings("try") // closes twice on purpose
    void closingFreesThePort() throws Exception {
        int port;
        try (MetricsServer server = MetricsServer.bind(ANY_PORT, new PrometheusRegistry())) {
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
        try (MetricsServer server = MetricsServer.bind(new InetSocketAddress(0), new PrometheusRegistry())) {
            assertEquals("localhost", server.metricsUri().getHost());
        }
    }
}
