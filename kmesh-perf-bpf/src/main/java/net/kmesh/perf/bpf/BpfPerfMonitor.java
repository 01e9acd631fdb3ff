package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.HistogramListener;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SampleWorkload;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.ops.KernelHistograms;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.ProbeCounters;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.resources.DaemonUsageReader;
import net.kmesh.perf.bpf.resources.Mounts;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.ringbuf.RingSources;
import net.kmesh.perf.bpf.samples.BundledSamples;

/**
 * The libbpf-backed {@link PerfMonitor}. Opening acquires, in order: the bundled BPF object or the
 * external ring's fds, the ring mappings, the consumer's epoll set; {@link #close()} stops the
 * consumer and releases them in reverse.
 */
public final class BpfPerfMonitor implements PerfMonitor {
    private final PerfMonitorConfig config;
    private final Capabilities capabilities;
    private final Resources resources;
    private final BundledSamples samples;
    private final ProbeCounters counters;
    private final KernelHistograms histograms;
    private final OperationAggregator aggregator;
    private final RecordDecoder decoder;
    private final RingConsumer consumer;
    private final DaemonUsageReader daemon;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BpfPerfMonitor(PerfMonitorConfig config, Capabilities capabilities, Resources resources,
                           BundledSamples samples, ProbeCounters counters, KernelHistograms histograms,
                           OperationAggregator aggregator, RecordDecoder decoder, RingConsumer consumer) {
        this.config = config;
        this.capabilities = capabilities;
        this.resources = resources;
        this.samples = samples;
        this.counters = counters;
        this.histograms = histograms;
        this.aggregator = aggregator;
        this.decoder = decoder;
        this.consumer = consumer;
        this.daemon = DaemonUsageReader.of(config.daemon());
    }

    /** Opens a monitor as {@code config} says; see {@link PerfMonitor#open(PerfMonitorConfig)}. */
    public static BpfPerfMonitor open(PerfMonitorConfig config) {
        LibbpfLoader.Natives natives = LibbpfLoader.natives();
        List<String> notes = new ArrayList<>();
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        requireRingBuffers(natives);
        features.add(Feature.RING_BUFFER);
        if (Mounts.bpffs().isPresent()) {
            features.add(Feature.BPFFS);
        } else {
            notes.add("no bpffs mounted: maps cannot be pinned or opened by path (mount -t bpf bpf /sys/fs/bpf)");
        }

        Resources resources = new Resources();
        try {
            BundledSamples samples = null;
            int ringFd;
            Optional<Integer> counterFd;
            Optional<Integer> modeFd;
            Optional<Integer> histogramFd;
            RecordSource source = config.source();
            if (source instanceof RecordSource.Bundled bundled) {
                samples = resources.add(BundledSamples.open(bundled, notes, features));
                ringFd = samples.object().mapFd(BundledSamples.RING_MAP);
                counterFd = Optional.of(samples.object().mapFd(BundledSamples.COUNTER_MAP));
                modeFd = Optional.of(samples.object().mapFd(BundledSamples.MODE_MAP));
                histogramFd = Optional.of(samples.object().mapFd(BundledSamples.HISTOGRAM_MAP));
            } else {
                RingSources.Opened opened = resources.add(source instanceof RecordSource.Pinned p
                        ? RingSources.pinned(p.path())
                        : RingSources.named(((RecordSource.Named) source).mapName()));
                ringFd = opened.ring().get();
                counterFd = opened.counters().map(f -> f.get());
                modeFd = opened.modes().map(f -> f.get());
                histogramFd = opened.histograms().map(f -> f.get());
            }
            KernelHistograms histograms = null;
            if (modeFd.isPresent() && histogramFd.isPresent()) {
                features.add(Feature.KERNEL_HISTOGRAM);
                if (!config.histogramTypes().isEmpty()) {
                    histograms = resources.add(new KernelHistograms(modeFd.get(), histogramFd.get(),
                            config.histogramTypes()));
                }
            } else if (!config.histogramTypes().isEmpty()) {
                throw new KernelFeatureException("histogram mode was asked for operation types "
                        + config.histogramTypes() + " but the source has no " + RingSources.MODE_MAP + " and "
                        + RingSources.HISTOGRAM_MAP + " maps: its programs were built without kmesh_perf.h's "
                        + "histogram mode");
            }
            ProbeCounters counters = null;
            if (counterFd.isPresent()) {
                counters = resources.add(new ProbeCounters(counterFd.get()));
                features.add(Feature.DROPPED_COUNTER);
            } else {
                notes.add("the source has no " + RingSources.COUNTER_MAP + " map: dropped records are not counted");
            }
            RingBuffer ring = resources.add(RingBuffer.map(ringFd));
            OperationAggregator aggregator = new OperationAggregator(config.maxOperationTypes());
            RecordDecoder decoder = new RecordDecoder(aggregator);
            RingConsumer consumer = new RingConsumer(ring, decoder, new RingConsumer.BatchListener() {
                @Override
                public void beginBatch() {
                    aggregator.beginBatch();
                }

                @Override
                public void endBatch(long newCorruptions) {
                    if (newCorruptions > 0) {
                        aggregator.recordCorruptions(newCorruptions);
                    }
                    aggregator.endBatch();
                }
            }, config.batchDelay(), "kmesh-perf-consumer");
            Capabilities capabilities = new Capabilities(kernelRelease(), natives.version(), features, notes);
            return new BpfPerfMonitor(config, capabilities, resources, samples, counters, histograms, aggregator,
                    decoder, consumer);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Creates and closes a one-page ring buffer: the probe that tells a kernel without ring
     * buffers (EINVAL, an unknown map type) from a caller without privilege (EPERM). libbpf's own
     * probe answers "unsupported" for both.
     */
    private static void requireRingBuffers(LibbpfLoader.Natives natives) {
        int fd = natives.libbpf().bpf_map_create(MapType.RINGBUF, "kp_probe", 0, 0, natives.pageSize(), null);
        if (fd >= 0) {
            natives.libc().close(fd);
            return;
        }
        throw ringBufferProbeFailure(-fd, kernelRelease());
    }

    /** The exception for a failed ring-buffer probe with {@code errno} on kernel {@code release}. */
    static RuntimeException ringBufferProbeFailure(int errno, String release) {
        return switch (errno) {
            case Errno.EPERM -> new PrivilegeException("creating a BPF map was refused (EPERM): " + Errno.PRIVILEGE_HINT);
            case Errno.EINVAL -> new KernelFeatureException("the kernel " + release + " has no BPF ring buffers "
                    + "(BPF_MAP_TYPE_RINGBUF, Linux >= 5.8): kmesh-perf cannot read operation records on it");
            case Errno.ENOSYS -> new KernelFeatureException("the kernel " + release
                    + " has no bpf() system call (CONFIG_BPF_SYSCALL is off)");
            default -> Errno.failure("creating a BPF ring buffer", errno);
        };
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public PerfMonitor start() {
        if (closed.get()) {
            throw new IllegalStateException("the monitor is closed");
        }
        consumer.start();
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        if (histograms != null) {
            histograms.mergeInto(aggregator);
        }
        OperationAggregator.Snapshot s = aggregator.snapshot(config::operationType);
        OptionalLong dropped = OptionalLong.empty();
        OptionalLong endsWithoutStart = OptionalLong.empty();
        if (counters != null) {
            long[] c = counters.read();
            dropped = OptionalLong.of(c[ProbeCounters.DROPPED]);
            endsWithoutStart = OptionalLong.of(c[ProbeCounters.END_WITHOUT_START]);
        }
        return new PerfSnapshot(Instant.now(), s.operations(), new RecordCounters(s.consumed(), s.invalid(), dropped,
                endsWithoutStart, s.listenerErrors(), s.corruptions()), daemon.read());
    }

    @Override
    public AutoCloseable addRecordListener(RecordListener listener) {
        decoder.addListener(listener);
        return () -> decoder.removeListener(listener);
    }

    @Override
    public AutoCloseable addHistogramListener(HistogramListener listener) {
        if (histograms == null) {
            return () -> { };
        }
        histograms.addListener(listener);
        return () -> histograms.removeListener(listener);
    }

    @Override
    public Optional<SampleWorkload> samples() {
        return Optional.ofNullable(samples);
    }

    /** The consumer, for tests: its thread and a synchronous drain before start. */
    RingConsumer consumer() {
        return consumer;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            consumer.close(resources::close);
        }
    }

    @Override
    public String toString() {
        return "BpfPerfMonitor[" + config.source() + (closed.get() ? ", closed" : "") + "]";
    }
}
