package net.kmesh.perf.examples;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of the Spring Boot applications under {@code kmesh-perf-examples/spring-boot/}, compiled and
 * run in a child JVM. Its class path is Spring Boot's jars, resolved by Maven from the application's
 * own pom, plus the kmesh-perf jars of the running build (the failsafe configuration passes them), so
 * nothing needs to be installed. {@link #close()} stops it if it still runs and deletes its log.
 */
final class SpringBootApp implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    /** Class paths already built in this JVM, by application. */
    private static final Map<String, String> CLASS_PATHS = new ConcurrentHashMap<>();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private SpringBootApp(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The application's directory, e.g. {@code boot3}. */
    static Path directory(String app) {
        Path apps = Path.of(System.getProperty("spring-boot.apps", "spring-boot"));
        Path dir = apps.resolve(app);
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            throw new AssertionError("no Spring Boot application at " + dir.toAbsolutePath());
        }
        return dir;
    }

    /**
     * Compiles {@code app} and returns its class path: its classes, Spring Boot's jars and the build's
     * kmesh-perf jars.
     */
    static synchronized String classPath(String app, Path work) throws IOException, InterruptedException {
        String built = CLASS_PATHS.get(app);
        if (built != null) {
            return built;
        }
        Path dir = directory(app);
        String kmeshPerf = System.getProperty("kmesh-perf.classpath", "");
        if (kmeshPerf.isBlank() || kmeshPerf.startsWith("${")) {
            throw new AssertionError("kmesh-perf.classpath is not set: run this test through 'mvn verify' of the "
                    + "kmesh-perf build, whose failsafe configuration passes the jars it built");
        }
        Path springClassPath = work.resolve(app + "-classpath.txt");
        Path output = work.resolve(app + "-maven.txt");
        List<String> mvn = new ArrayList<>();
        String mavenHome = System.getProperty("maven.home");
        mvn.add(mavenHome != null && !mavenHome.startsWith("${") ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn");
        mvn.addAll(List.of("-B", "-q", "-f", dir.resolve("pom.xml").toString(), "-Dkmesh-perf.from-reactor"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.startsWith("${")) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        if ("offline=true".equals(System.getProperty("maven.offline"))) {
            mvn.add("-o");
        }
        mvn.addAll(List.of("compile", "dependency:build-classpath", "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + springClassPath));
        Process p = new ProcessBuilder(mvn).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("building " + app + " took more than " + BUILD_TIMEOUT + ":\n" + Files.readString(output));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", mvn) + " exited " + p.exitValue() + ":\n" + Files.readString(output));
        }
        built = String.join(File.pathSeparator, dir.resolve("target/classes").toString(), kmeshPerf,
                Files.readString(springClassPath).strip());
        CLASS_PATHS.put(app, built);
        return built;
    }

    /** Starts {@code mainClass} of {@code app} on a free loopback port, with {@code args}. */
    static SpringBootApp start(String app, String mainClass, Path work, String... args)
            throws IOException, InterruptedException {
        return start(List.of(), app, mainClass, work, args);
    }

    /** The same, behind {@code prefix} (setpriv, say). */
    static SpringBootApp start(List<String> prefix, String app, String mainClass, Path work, String... args)
            throws IOException, InterruptedException {
        String classPath = classPath(app, work);
        int port = DemoProcess.freePort();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass,
                "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("kmesh-perf-" + app, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new SpringBootApp(app, process, log, port);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** What it logged so far. */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** One GET; the status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Polls {@code path} until it answers 200 with a body {@code ready} accepts, and returns that body.
     * Fails with the last answer and the application's log when it exits or {@code timeout} passes.
     */
    String await(String path, String what, Predicate<String> ready, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "(no answer yet)";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " waiting for " + what
                        + "; its log:\n" + log());
            }
            try {
                HttpResponse<String> r = get(path);
                last = r.statusCode() + "\n" + r.body();
                if (r.statusCode() == 200 && ready.test(r.body())) {
                    return r.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + ": " + what + " not seen on " + path + " within " + timeout
                + "; last answer:\n" + last + "\nits log:\n" + log());
    }

    /** Sends SIGTERM, as a container runtime does, and returns the exit code; fails if it does not end in time. */
    int stop(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM; its log:\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(log);
    }
}
