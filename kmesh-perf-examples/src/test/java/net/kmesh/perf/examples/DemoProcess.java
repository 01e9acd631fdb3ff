package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The demo jar running in a child JVM, its stdout and stderr captured in files (a pipe nobody
 * reads could block it). {@link #close()} kills it if it still runs and deletes the files.
 */
final class DemoProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private DemoProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The shaded jar the build made (the failsafe configuration passes its path). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("demo.jar", "target/kmesh-perf-demo.jar"));
        assertTrue(Files.isRegularFile(jar), "the demo jar " + jar + " is built by 'mvn package' before the *IT tests");
        return jar;
    }

    /** {@code java [jvmOptions] -jar kmesh-perf-demo.jar args}. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(args);
        return command;
    }

    /** Starts {@code command} (the demo, possibly behind setpriv or script). */
    static DemoProcess start(List<String> command) throws IOException {
        return start(command, Map.of());
    }

    /** Starts {@code command} with {@code environment} added to this JVM's. */
    static DemoProcess start(List<String> command, Map<String, String> environment) throws IOException {
        Path out = Files.createTempFile("kmesh-perf-demo-out", ".txt");
        Path err = Files.createTempFile("kmesh-perf-demo-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process p = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new DemoProcess(p, out, err);
    }

    /** Starts the demo with {@code args}. */
    static DemoProcess start(String... args) throws IOException {
        return start(command(List.of(), List.of(args)));
    }

    /** Runs the demo with {@code args} to its end (at most {@code timeout}). */
    static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(command(List.of(), List.of(args)), timeout);
    }

    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        try (DemoProcess p = start(command)) {
            return p.await(timeout);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; fails if it does not within {@code timeout}. */
    Result await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the demo did not end within " + timeout + "; stdout:\n" + read(stdout)
                    + "\nstderr:\n" + read(stderr));
        }
        return new Result(process.exitValue(), read(stdout), read(stderr));
    }

    /** What it printed so far. */
    String stdout() throws IOException {
        return read(stdout);
    }

    String stderr() throws IOException {
        return read(stderr);
    }

    /**
     * Polls {@code url} until it answers 200 with a body {@code ready} accepts; returns that body.
     * Fails when the process ends or {@code timeout} passes first.
     */
    String awaitBody(URI url, Predicate<String> ready, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the demo exited with " + process.exitValue() + " before " + url
                        + " was ready; stderr:\n" + read(stderr));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200 && ready.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " was not ready within " + timeout + "; last answer:\n" + last
                + "\nstderr:\n" + read(stderr));
    }

    /** Waits until what it printed on stdout satisfies {@code done}; fails when it ends or time runs out. */
    String awaitStdout(Predicate<String> done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String out = read(stdout);
        while (!done.test(out)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("stdout not as expected within " + timeout + " (alive: " + process.isAlive()
                        + "):\n" + out + "\nstderr:\n" + read(stderr));
            }
            Thread.sleep(50);
            out = read(stdout);
        }
        return out;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** A TCP port on loopback that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static URI metricsUrl(int port) {
        return URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /**
     * Ends the demo if it still runs: SIGTERM first, which runs its shutdown hook (a SIGKILL would
     * leave its cgroup behind), SIGKILL only if that does not end it within 20 s.
     */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    /** How a run ended. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }
}
