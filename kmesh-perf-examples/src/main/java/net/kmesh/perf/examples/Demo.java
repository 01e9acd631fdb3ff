package net.kmesh.perf.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.kmesh.perf.PerfMonitorException.LibbpfUnavailableException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The demo CLI: {@code java -jar kmesh-perf-demo.jar [options]}. Opens a monitor (on the bundled
 * samples driven by a synthetic workload, or on a running Kmesh's ring buffer), serves its metrics
 * to Prometheus and shows them live until {@code --duration} elapses or Ctrl-C.
 */
@Command(name = Demo.NAME, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Monitors an eBPF data plane (Kmesh): operation durations measured in the kernel, records lost, "
                    + "and the daemon's CPU and memory. Serves them as Prometheus text on http://ADDR:N/metrics "
                    + "and shows them live.",
            "Without --ringbuf-pin, --ringbuf-map or --kmesh it loads kmesh-perf's bundled sample programs and "
                    + "drives them with a synthetic workload, in a cgroup of its own that it removes on exit. With one of "
                    + "them it loads nothing and waits for a data plane that is not running yet.",
            "Needs root, or CAP_BPF + CAP_PERFMON (plus, for the bundled samples, CAP_NET_ADMIN and write "
                    + "access to the cgroup v2 tree; CAP_SYS_ADMIN to find a ring buffer by name).",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (--duration elapsed, or Ctrl-C)",
            "1:anything else",
            "2:bad arguments",
            "3:not enough privilege (root, or CAP_BPF + CAP_PERFMON)",
            "4:libbpf missing or too old"})
public final class Demo implements Callable<Integer> {
    static final String NAME = "kmesh-perf-demo";
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_PRIVILEGE = 3;
    public static final int EXIT_LIBBPF = 4;

    @Mixin
    DemoOptions options = new DemoOptions();

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<DemoRun> onStart;

    /**
     * @param out     the live view and --print-metrics
     * @param err     errors and logs
     * @param onStart called with the run before it acquires anything (main installs the shutdown hook there)
     */
    Demo(PrintStream out, PrintStream err, Consumer<DemoRun> onStart) {
        this.out = out;
        this.err = err;
        this.onStart = onStart;
    }

    public static void main(String[] args) {
        ShutdownHook hook = new ShutdownHook();
        int code = commandLine(new Demo(System.out, System.err, hook::install)).execute(args);
        hook.finished(code);
        System.exit(code);
    }

    /** The picocli command line of {@code demo}, with the demo's exit codes and one-line errors. */
    static CommandLine commandLine(Demo demo) {
        CommandLine commandLine = new CommandLine(demo);
        commandLine.setOut(new PrintWriter(demo.out, true));
        commandLine.setErr(new PrintWriter(demo.err, true));
        commandLine.setParameterExceptionHandler((e, args) -> {
            // picocli starts some messages with "Error: ", which the demo's prefix already says.
            e.getCommandLine().getErr().println(NAME + ": " + oneLine(e).replaceFirst("^Error: ", "") + " (see --help)");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            cl.getErr().println(NAME + ": " + oneLine(e));
            if (demo.options.debug()) {
                e.printStackTrace(cl.getErr());
            }
            cl.getErr().flush();
            return exitCode(e);
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        options.validate(spec.commandLine());
        configureLogging(options.debug());
        DemoRun run = new DemoRun(options, out, err);
        onStart.accept(run);
        run.run();
        return EXIT_OK;
    }

    /** The exit code DESIGN.md gives the failure {@code e}. */
    static int exitCode(Throwable e) {
        if (e instanceof PrivilegeException) {
            return EXIT_PRIVILEGE;
        }
        if (e instanceof LibbpfUnavailableException) {
            return EXIT_LIBBPF;
        }
        return EXIT_FAILURE;
    }

    /** The message of {@code e} on one line (its class name when it has none). */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * slf4j-simple reads these when the first logger is made, which is after this: nothing logs
     * before the run starts. Warnings only by default, so the one-line errors stay alone on stderr.
     */
    private static void configureLogging(boolean debug) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "info" : "warn");
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.log.net.kmesh.perf", "debug");
        }
    }

    /**
     * Ends the run cleanly when the JVM is asked to stop (Ctrl-C, SIGTERM): asks the run to stop,
     * waits for it to release everything, then exits with the run's code. A JVM stopped by a
     * signal would otherwise exit with 128 + the signal's number.
     */
    static final class ShutdownHook {
        private static final long CLEANUP_TIMEOUT_SECONDS = 20;
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile int code = EXIT_FAILURE;

        void install(DemoRun run) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                run.requestStop();
                try {
                    if (!finished.await(CLEANUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        System.err.println(NAME + ": cleanup did not finish within " + CLEANUP_TIMEOUT_SECONDS + " s");
                        code = EXIT_FAILURE;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(code);
            }, NAME + "-shutdown"));
        }

        /** The run is over and everything it held is released; {@code exitCode} is what to exit with. */
        void finished(int exitCode) {
            System.out.flush();
            System.err.flush();
            code = exitCode;
            finished.countDown();
        }
    }
}
