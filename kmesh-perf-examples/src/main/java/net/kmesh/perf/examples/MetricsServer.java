package net.kmesh.perf.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format 0.0.4) and a small page at {@code /} that links
 * to it, with the JDK's HTTP server. The port is bound when it is made, so a port in use is
 * reported before anything else is opened; requests are answered once {@link #start()} is called.
 */
final class MetricsServer implements AutoCloseable {
    /** What Prometheus expects for the text format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private boolean closed;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code address}; {@code scrape} gives the text of each {@code /metrics} request.
     *
     * @throws DemoException when the address cannot be bound (in use, not on this machine)
     */
    static MetricsServer bind(InetSocketAddress address, Supplier<String> scrape) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new DemoException("cannot serve /metrics on " + hostPort(address) + ": " + e.getMessage()
                    + " (choose another --port or --bind)", e);
        } catch (IOException e) {
            throw new DemoException("cannot serve /metrics on " + hostPort(address) + ": " + e, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kmesh-perf-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> respond(exchange, CONTENT_TYPE, scrape));
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics\n");
                return;
            }
            respond(exchange, "text/html; charset=utf-8", () -> """
                    <!DOCTYPE html>
                    <html><head><title>kmesh-perf demo</title></head>
                    <body><h1>kmesh-perf demo</h1>
                    <p>Prometheus metrics: <a href="metrics">/metrics</a></p>
                    </body></html>
                    """);
        });
        return new MetricsServer(server, executor);
    }

    private static void respond(HttpExchange exchange, String contentType, Supplier<String> body) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
            return;
        }
        String text;
        try {
            text = body.get();
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain; charset=utf-8", "scrape failed: " + e + "\n");
            return;
        }
        send(exchange, 200, contentType, text);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Starts answering requests. */
    void start() {
        server.start();
    }

    /** The bound address (the real port when 0 was asked for). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The URL of {@code /metrics}, with {@code localhost} for a wildcard address. */
    URI metricsUri() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "localhost" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/metrics");
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops listening (a request in progress is cut short) and ends the threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
