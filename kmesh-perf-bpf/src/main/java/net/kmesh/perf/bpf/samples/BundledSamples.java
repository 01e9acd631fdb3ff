package net.kmesh.perf.bpf.samples;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.TestRun;
import net.kmesh.perf.bpf.samples.SampleOptions.SpanAttachment;
import net.kmesh.perf.bpf.sys.Mounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled sample programs ({@code bpf/samples/kmesh_perf_samples.bpf.c}) loaded into the
 * kernel with the probe's maps, attached as {@link SampleOptions} says, and driven through
 * {@link SampleWorkload}. Owns the BPF object and its links.
 */
public final class BundledSamples implements SampleWorkload, AutoCloseable {
    static final String RESOURCE = "/net/kmesh/perf/bpf/kmesh_perf_samples.bpf.o";
    public static final String SERVICE_MAP = "kmesh_demo_svc";
    static final String CONFIG_MAP = "kp_sample_cfg";
    static final String CONNECT_PROGRAM = "kp_connect4";
    static final String PRODUCE_PROGRAM = "kp_produce";
    private static final String[] SPAN_TP_BTF = {"kp_span_enter", "kp_span_exit"};
    private static final String[] SPAN_RAW_TP = {"kp_span_enter_raw", "kp_span_exit_raw"};
    /** bpf_loop's limit on iterations. */
    public static final int MAX_PRODUCE_COUNT = 1 << 23;
    private static final Logger LOG = LoggerFactory.getLogger(BundledSamples.class);

    private final BpfObject object;
    private final SampleOptions options;
    private final int produceFd;
    private final int configFd;
    private final Feature spanFeature;

    private BundledSamples(BpfObject object, SampleOptions options, Feature spanFeature) {
        this.object = object;
        this.options = options;
        this.spanFeature = spanFeature;
        this.produceFd = object.programFd(PRODUCE_PROGRAM);
        this.configFd = object.mapFd(CONFIG_MAP);
    }

    /**
     * Loads the samples and attaches those {@code source} asks for.
     *
     * @param notes    receives one line per fallback taken
     * @param features receives the span attachment used and CGROUP_CONNECT when attached
     */
    public static BundledSamples open(RecordSource.Samples source, SampleOptions options, List<String> notes,
                                      Set<Feature> features) {
        int page = LibbpfLoader.natives().pageSize();
        if (source.ringBufferBytes() < page) {
            throw new IllegalArgumentException("ringBufferBytes must be at least the page size " + page
                    + ", got " + source.ringBufferBytes());
        }
        if (options.spanSyscall().isEmpty()) {
            return load(source, options, null, notes, features);
        }
        SpanAttachment attachment = options.spanAttachment();
        if (attachment == SpanAttachment.RAW_TP) {
            return load(source, options, Feature.RAW_TP, notes, features);
        }
        try {
            return load(source, options, Feature.TP_BTF, notes, features);
        } catch (PrivilegeException | NotFoundException e) {
            throw e;
        } catch (PerfMonitorException e) {
            if (attachment == SpanAttachment.TP_BTF) {
                throw new KernelFeatureException("the spanning sample cannot use tp_btf on this kernel ("
                        + e.getMessage() + "): use SpanAttachment.RAW_TP or AUTO");
            }
            notes.add("tp_btf unavailable (" + e.getMessage() + "): the spanning sample uses raw_tp");
            LOG.info("tp_btf unavailable, falling back to raw_tp: {}", e.getMessage());
            return load(source, options, Feature.RAW_TP, notes, features);
        }
    }

    private static BundledSamples load(RecordSource.Samples source, SampleOptions options, Feature span,
                                       List<String> notes, Set<Feature> features) {
        BpfObject object = BpfObject.openResource(BundledSamples.class, RESOURCE, "kmesh_perf_samples");
        try {
            object.setMaxEntries(ProbeLayout.RING, source.ringBufferBytes());
            for (String p : SPAN_TP_BTF) {
                object.setAutoload(p, span == Feature.TP_BTF);
            }
            for (String p : SPAN_RAW_TP) {
                object.setAutoload(p, span == Feature.RAW_TP);
            }
            // Loading a cgroup sock_addr program needs CAP_NET_ADMIN: only when it is to be attached.
            object.setAutoload(CONNECT_PROGRAM, options.connectCgroup().isPresent());
            object.load(options.connectCgroup().isPresent()
                    ? new Capability[] {Capability.CAP_BPF, Capability.CAP_PERFMON, Capability.CAP_NET_ADMIN}
                    : new Capability[] {Capability.CAP_BPF, Capability.CAP_PERFMON});
            BundledSamples samples = new BundledSamples(object, options, span);
            samples.writeConfig(ProcessHandle.current().pid(), 0, options.spanSyscall().orElse(-1));
            if (span != null) {
                for (String p : span == Feature.TP_BTF ? SPAN_TP_BTF : SPAN_RAW_TP) {
                    object.attach(p);
                }
                features.add(span);
            }
            if (options.connectCgroup().isPresent()) {
                samples.attachConnect(options.connectCgroup().get());
                features.add(Feature.CGROUP_CONNECT);
            }
            return samples;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private void attachConnect(Path cgroup) {
        if (!Files.isDirectory(cgroup)) {
            throw new NotFoundException("cgroup " + cgroup + " does not exist: create it under the cgroup v2 mount ("
                    + Mounts.cgroup2().map(Path::toString).orElse("none mounted") + ")");
        }
        Path real;
        try {
            real = cgroup.toRealPath();
        } catch (IOException e) {
            throw new NotFoundException("cgroup " + cgroup + " cannot be resolved: " + e.getMessage());
        }
        if (!Mounts.isOnFilesystem(real, "cgroup2")) {
            throw new NotFoundException(cgroup + " is not a cgroup v2 directory: cgroup/connect4 programs attach "
                    + "to cgroup v2 (mounted here at " + Mounts.cgroup2().map(Path::toString).orElse("nowhere") + ")");
        }
        LibC libc = LibbpfLoader.natives().libc();
        int fd = libc.open(real.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Errno.failure("opening cgroup " + real, Errno.last());
        }
        try {
            object.attachCgroup(CONNECT_PROGRAM, fd);
        } finally {
            libc.close(fd);
        }
    }

    private void writeConfig(long tgid, long tid, int syscall) {
        // struct kp_sample_config { __u32 span_tgid; __u32 span_tid; __s32 span_syscall; __u32 pad; }
        try (Memory key = new Memory(4); Memory value = new Memory(16)) {
            key.setInt(0, 0);
            value.clear();
            value.setInt(0, (int) tgid);
            value.setInt(4, (int) tid);
            value.setInt(8, syscall);
            Errno.check("writing " + CONFIG_MAP,
                    LibbpfLoader.natives().libbpf().bpf_map_update_elem(configFd, key, value, 0));
        }
    }

    /** The BPF object, for tests and the monitor (maps fds are owned by it). */
    public BpfObject object() {
        return object;
    }

    /** The span attachment in use: TP_BTF, RAW_TP, or null when the spanning sample is off. */
    public Feature spanAttachment() {
        return spanFeature;
    }

    @Override
    public Result produce(long operationType, int count, Mode mode, long syntheticNanos) {
        if (count < 1 || count > MAX_PRODUCE_COUNT) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_PRODUCE_COUNT + ", got " + count);
        }
        if (operationType < 0 || operationType > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("operationType must be an unsigned 32-bit value, got " + operationType);
        }
        if (syntheticNanos < 0 || syntheticNanos > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("syntheticNanos must be between 0 and 2^31-1, got " + syntheticNanos);
        }
        // struct kp_produce_args { u32 operation_type, count, mode, synthetic_ns; u64 emitted, dropped, histogrammed; }
        try (Memory args = new Memory(40)) {
            args.clear();
            args.setInt(0, (int) operationType);
            args.setInt(4, count);
            args.setInt(8, mode.ordinal());
            args.setInt(12, (int) syntheticNanos);
            TestRun.run(produceFd, args, "running " + PRODUCE_PROGRAM);
            return new Result(args.getLong(16), args.getLong(24), args.getLong(32));
        }
    }

    @Override
    public void traceSyscalls(long tgid, long tid) {
        if (options.spanSyscall().isEmpty()) {
            throw new IllegalStateException("the spanning sample is off: set SampleOptions.withSpanSyscall(n)");
        }
        writeConfig(tgid, tid, options.spanSyscall().getAsInt());
    }

    /** The program fd of the producer (owned by this object), for benchmarks reading its bpf_stats. */
    public int produceProgramFd() {
        return produceFd;
    }

    @Override
    public void close() {
        object.close();
    }
}
