package net.kmesh.perf.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code /metrics} with the Prometheus Java client's handler over a
 * {@link PrometheusRegistry}, and a small page at {@code /} that links to it, on the JDK's HTTP
 * server. The port is bound when it is made, so a port in use is reported before anything else is
 * opened; requests are answered once {@link #start()} is called.
 *
 * <p>Slow or stuck clients cannot stall it: the JDK server reads each request on a thread of the
 * pool, so a client that sends half a request holds a thread until the server's request time
 * limit ({@value #MAX_REQUEST_SECONDS} s) closes its connection; the pool has
 * {@value #THREADS} threads, and a request that finds them all busy has its connection closed at
 * once (the scraper retries) instead of queueing behind them. A failure to accept (EMFILE: no fd
 * left) costs that connection only; the JDK server keeps accepting once fds are free again.
 */
final class MetricsServer implements AutoCloseable {
    /** Threads that answer requests; idle ones end after a minute. */
    static final int THREADS = 4;
    /** Longest time a client may take to send its request ({@code sun.net.httpserver.maxReqTime}). */
    static final int MAX_REQUEST_SECONDS = 5;
    /** Longest time a client may take to read the response ({@code sun.net.httpserver.maxRspTime}). */
    static final int MAX_RESPONSE_SECONDS = 30;

    static {
        // The JDK server reads these once, when its first server is made; -D on the command line wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private boolean closed;

    private MetricsServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * Binds {@code address}; each {@code /metrics} request is answered from {@code registry}.
     *
     * @throws DemoException when the address cannot be bound (in use, not on this machine)
     */
    static MetricsServer bind(InetSocketAddress address, PrometheusRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new DemoException("cannot serve /metrics on " + hostPort(address) + ": " + e.getMessage()
                    + " (choose another --port or --bind)", e);
        } catch (IOException e) {
            throw new DemoException("cannot serve /metrics on " + hostPort(address) + ": " + e, e);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "kmesh-perf-http-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        MetricsHandler metrics = new MetricsHandler(registry);
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                metrics.handle(exchange);
            }
        });
        server.createContext("/", rootPage());
        return new MetricsServer(server, executor);
    }

    private static HttpHandler rootPage() {
        return exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics\n");
            } else if (allowed(exchange)) {
                send(exchange, 200, "text/html; charset=utf-8", """
                        <!DOCTYPE html>
                        <html><head><title>kmesh-perf demo</title></head>
                        <body><h1>kmesh-perf demo</h1>
                        <p>Prometheus metrics: <a href="metrics">/metrics</a></p>
                        </body></html>
                        """);
            }
        };
    }

    /** GET and HEAD only; answers anything else with 405 and returns false. */
    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
        return false;
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

    /** The request time limit in force: this class's default unless {@code -Dsun.net.httpserver.maxReqTime} set another. */
    static Duration maxRequestTime() {
        return Duration.ofSeconds(Long.getLong("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS));
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
