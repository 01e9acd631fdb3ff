package net.kmesh.perf.examples;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's synthetic workload: from one thread, every {@link #TICK}, the connect() calls and
 * synthetic records that are due at the configured rate. A connect() of this process passes the
 * bundled {@code cgroup/connect4} sample (SOCK_TRAFFIC_CONTROL) and the syscall-spanning sample
 * (SYSCALL_SPAN); the {@code SEC("syscall")} producer adds ENABLE_ENCODING_METADATA and, ten times
 * rarer, XDP_SHUTDOWN, with made-up durations of a few and of tens of microseconds.
 */
final class Workload implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(20);
    /** The discard port on loopback: a UDP connect() only sets the peer, nothing is sent. */
    static final InetSocketAddress DISCARD = new InetSocketAddress("127.0.0.1", 9);
    /** SYNTHETIC durations are spread over [n, 2n): 2-4 µs. */
    static final long ENCODING_NANOS = 2_000;
    /** 20-40 µs. */
    static final long XDP_SHUTDOWN_NANOS = 20_000;
    /** A tick catches up at most this many ticks' worth of operations after a stall. */
    private static final int MAX_TICKS_BEHIND = 5;
    private static final Duration PACER_PERIOD = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Workload.class);

    private final SampleWorkload samples;
    private final Pacer connects;
    private final Pacer encodings;
    private final Pacer shutdowns;
    private final ScheduledExecutorService thread;
    /** An IPv4 UDP socket: only an AF_INET connect() passes the cgroup/connect4 sample. */
    private final DatagramSocket socket;
    private final ListenerRegistration pidListener;
    /** The kernel's tgid of this process (0 until a record told it), see {@link #start}. */
    private volatile long kernelTgid;
    private long tracedTgid;
    private boolean listenerClosed;
    private boolean failed;

    private Workload(SampleWorkload samples, PerfMonitor monitor, int perSecond) throws IOException {
        this.samples = samples;
        this.socket = DatagramChannel.open(StandardProtocolFamily.INET).socket();
        this.tracedTgid = ProcessHandle.current().pid();
        samples.traceSyscalls(tracedTgid, 0);
        this.pidListener = monitor.addRecordListener((type, start, end, pidTgid) -> {
            if (kernelTgid == 0 && pidTgid != 0) {
                kernelTgid = pidTgid >>> 32;
            }
        });
        long now = System.nanoTime();
        int maxBatch = Math.max(1, (int) Math.ceil(perSecond * TICK.toNanos() / 1e9 * MAX_TICKS_BEHIND));
        // Counts per 10 s, so that XDP_SHUTDOWN's R/10 per second stays an integer.
        this.connects = new Pacer(10L * perSecond, PACER_PERIOD, now, maxBatch);
        this.encodings = new Pacer(10L * perSecond, PACER_PERIOD, now, maxBatch);
        this.shutdowns = new Pacer(perSecond, PACER_PERIOD, now, maxBatch);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kmesh-perf-workload");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code perSecond} connect() calls per second (and the synthetic records with them), with
     * the spanning sample timing this process's connect() calls. The sample knows a process by the
     * kernel's pid, which is not this process's own in a pid namespace (pid 1 in a container): the
     * first record of the samples, all made by this process, says which it is.
     */
    static Workload start(SampleWorkload samples, PerfMonitor monitor, int perSecond) {
        Workload w;
        try {
            w = new Workload(samples, monitor, perSecond);
        } catch (IOException e) {
            throw new DemoException("cannot open the workload's UDP socket: " + e.getMessage(), e);
        }
        w.thread.scheduleAtFixedRate(w::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void tick() {
        long now = System.nanoTime();
        try {
            followKernelPid();
            for (int i = connects.due(now); i > 0 && !Thread.currentThread().isInterrupted(); i--) {
                connectOnce();
            }
            produce(OperationType.ENABLE_ENCODING_METADATA, encodings.due(now), ENCODING_NANOS);
            produce(OperationType.XDP_SHUTDOWN, shutdowns.due(now), XDP_SHUTDOWN_NANOS);
        } catch (IOException | RuntimeException e) {
            // Keep going: one failed call (a loopback that is down, say) should not end the demo.
            if (!failed) {
                failed = true;
                LOG.warn("workload: {} (further failures are logged at debug level)", e.toString());
            } else {
                LOG.debug("workload: {}", e.toString());
            }
        }
    }

    private void followKernelPid() {
        long tgid = kernelTgid;
        if (tgid == 0 || listenerClosed) {
            return;
        }
        if (tracedTgid != tgid) {
            LOG.info("the kernel knows this process as pid {} (a pid namespace): the spanning sample times its connect() calls",
                    tgid);
            samples.traceSyscalls(tgid, 0);
            tracedTgid = tgid;
        }
        pidListener.close();
        listenerClosed = true;
    }

    /**
     * One connect(2) of the workload's socket: a socket's adaptor connects a connected socket again
     * (a channel would refuse), so each operation is one system call, with no socket made and
     * closed per operation.
     */
    private void connectOnce() throws IOException {
        socket.connect(DISCARD);
    }

    private void produce(OperationType type, int count, long nanos) {
        if (count > 0) {
            samples.produce(type.code(), count, Mode.SYNTHETIC, nanos);
        }
    }

    /** Stops the thread and waits for a tick in progress to end. */
    @Override
    public void close() {
        pidListener.close();
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("workload: the thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            socket.close();
        }
    }
}
