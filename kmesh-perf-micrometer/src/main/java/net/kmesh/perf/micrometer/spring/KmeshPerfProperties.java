package net.kmesh.perf.micrometer.spring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.micrometer.MetricNaming;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@code kmesh.perf.*} properties of the Spring Boot auto-configuration. Everything left unset
 * keeps the library's default (see {@link PerfMonitorConfig#builder()}): a running Kmesh's ring under
 * {@code /sys/fs/bpf}, waited for until it appears; Kmesh's maps; this process as the daemon; no
 * program statistics.
 */
@ConfigurationProperties(prefix = "kmesh.perf")
public class KmeshPerfProperties {

    /** Whether to monitor the data plane and expose its metrics and health. */
    private boolean enabled = true;

    /**
     * Whether a monitor that cannot open (no privilege, no libbpf, a source that can never work) stops
     * the application's start. By default the application starts without kmesh-perf metrics, says why
     * in one log line and in the health component.
     */
    private boolean failFast = false;

    /**
     * The node_name tag of every kmesh-perf series. Default: the NODE_NAME environment variable (as
     * Kmesh's daemonset sets it), else the host name.
     */
    private String nodeName;

    /**
     * Operation types (0 to 31) that the probe counts in in-kernel histograms instead of one
     * ring-buffer record per operation: for hot operations.
     */
    private List<Long> histogramTypes = new ArrayList<>();

    /** Names of operation types, by code, beside Kmesh's own three; unnamed types are labelled by number. */
    private Map<Long, String> operationNames = new LinkedHashMap<>();

    /** Most distinct operation types tracked; records of further types are counted, not timed. */
    private int maxOperationTypes = PerfMonitorConfig.DEFAULT_MAX_OPERATION_TYPES;

    private final Source source = new Source();

    private final Maps maps = new Maps();

    private final Programs programs = new Programs();

    private final Daemon daemon = new Daemon();

    private final Metrics metrics = new Metrics();

    /**
     * The monitor's configuration these properties describe.
     *
     * @return the configuration
     * @throws InvalidConfigurationPropertyValueException naming the property when a value is invalid or
     *                                                    two properties contradict each other
     */
    public PerfMonitorConfig toMonitorConfig() {
        PerfMonitorConfig.Builder b = PerfMonitorConfig.builder();
        b.source(source.toRecordSource());
        b.waitForSource(source.isWait());
        b.daemon(daemon.toTarget());
        if (!maps.isEnabled()) {
            b.mapStatistics(false);
        } else if (maps.getPrefix() != null) {
            List<String> prefixes = maps.getPrefix();
            b.maps(valid("kmesh.perf.maps.prefix", prefixes, () -> prefixes.isEmpty() ? MapSelector.all()
                    : MapSelector.namePrefix(prefixes.toArray(new String[0]))));
        }
        if (programs.isEnabled()) {
            b.programs(valid("kmesh.perf.programs.prefix", programs.getPrefix(),
                    () -> ProgramSelector.namePrefix(programs.getPrefix() == null ? "" : programs.getPrefix())));
        }
        for (Long code : histogramTypes) {
            valid("kmesh.perf.histogram-types", histogramTypes, () -> b.histogramMode(code == null ? -1 : code));
        }
        operationNames.forEach((code, name) -> valid("kmesh.perf.operation-names." + code, name, () -> {
            if (code < 0 || code > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("an operation type is an unsigned 32-bit code, got " + code);
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("the name of operation type " + code + " is empty");
            }
            return b.operationName(code, name);
        }));
        if (maxOperationTypes < 1 || maxOperationTypes > 65_536) {
            throw new InvalidConfigurationPropertyValueException("kmesh.perf.max-operation-types", maxOperationTypes,
                    "it must be between 1 and 65536");
        }
        b.maxOperationTypes(maxOperationTypes);
        return b.build();
    }

    /** Runs {@code make}, turning its IllegalArgumentException into one that names the property. */
    static <T> T valid(String property, Object value, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            // Boot's exception takes no cause; the reason is the library's whole message.
            throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }

    static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isFailFast() {
        return failFast;
    }

    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public List<Long> getHistogramTypes() {
        return histogramTypes;
    }

    public void setHistogramTypes(List<Long> histogramTypes) {
        this.histogramTypes = histogramTypes;
    }

    public Map<Long, String> getOperationNames() {
        return operationNames;
    }

    public void setOperationNames(Map<Long, String> operationNames) {
        this.operationNames = operationNames;
    }

    public int getMaxOperationTypes() {
        return maxOperationTypes;
    }

    public void setMaxOperationTypes(int maxOperationTypes) {
        this.maxOperationTypes = maxOperationTypes;
    }

    public Source getSource() {
        return source;
    }

    public Maps getMaps() {
        return maps;
    }

    public Programs getPrograms() {
        return programs;
    }

    public Daemon getDaemon() {
        return daemon;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * Where operation records are read from: one of {@code pin}, {@code map-name} and {@code kmesh}
     * (a running Kmesh under {@code /sys/fs/bpf} when none is set).
     */
    public static class Source {

        /**
         * Pin path of an existing ring buffer in a bpffs, e.g.
         * /sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info. An empty value is the same as none.
         */
        private String pin;

        /** Map name of an existing ring buffer (the newest of that name), e.g. km_perf_info. */
        private String mapName;

        /**
         * The bpffs under which a running Kmesh pins its maps (its --bpf-fs-path): its ring and maps
         * are found in bpf_kmesh_workload/map or bpf_kmesh/map there. Used when neither pin nor
         * map-name is set, with /sys/fs/bpf when this is not set either.
         */
        private String kmesh;

        /**
         * Whether to read the ring without consuming it, so that the data plane's own reader (Kmesh's
         * daemon) keeps every record; records it frees first are counted as missed.
         */
        private boolean observe = false;

        /**
         * Whether a source that does not exist yet is waited for (the monitor attaches when the data
         * plane appears, and again after it restarts). When false, a missing source is an error when
         * the monitor opens.
         */
        private boolean wait = true;

        RecordSource toRecordSource() {
            String first = null;
            for (String[] candidate : new String[][] {{"kmesh.perf.source.pin", pin},
                    {"kmesh.perf.source.map-name", mapName}, {"kmesh.perf.source.kmesh", kmesh}}) {
                if (!isSet(candidate[1])) {
                    continue;
                }
                if (first != null) {
                    throw new InvalidConfigurationPropertyValueException(candidate[0], candidate[1], first
                            + " is set too, and a monitor reads one source: set only one of kmesh.perf.source.pin, "
                            + "kmesh.perf.source.map-name and kmesh.perf.source.kmesh");
                }
                first = candidate[0];
            }
            RecordSource s;
            if (isSet(pin)) {
                s = valid("kmesh.perf.source.pin", pin, () -> RecordSource.pinned(Path.of(pin.strip())));
            } else if (isSet(mapName)) {
                s = valid("kmesh.perf.source.map-name", mapName, () -> RecordSource.named(mapName.strip()));
            } else if (isSet(kmesh)) {
                s = valid("kmesh.perf.source.kmesh", kmesh, () -> RecordSource.kmesh(Path.of(kmesh.strip())));
            } else {
                s = RecordSource.kmesh();
            }
            return observe ? s.observing() : s;
        }

        public String getPin() {
            return pin;
        }

        public void setPin(String pin) {
            this.pin = pin;
        }

        public String getMapName() {
            return mapName;
        }

        public void setMapName(String mapName) {
            this.mapName = mapName;
        }

        public String getKmesh() {
            return kmesh;
        }

        public void setKmesh(String kmesh) {
            this.kmesh = kmesh;
        }

        public boolean isObserve() {
            return observe;
        }

        public void setObserve(boolean observe) {
            this.observe = observe;
        }

        public boolean isWait() {
            return wait;
        }

        public void setWait(boolean wait) {
            this.wait = wait;
        }
    }

    /** Statistics of eBPF maps. */
    public static class Maps {

        /** Whether snapshots hold eBPF map statistics. */
        private boolean enabled = true;

        /**
         * Name prefixes of the maps reported; an empty value reports every map. Default: Kmesh's maps
         * (km_ and kmesh_; for a Kmesh source, those pinned in its map directories).
         */
        private List<String> prefix;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getPrefix() {
            return prefix;
        }

        public void setPrefix(List<String> prefix) {
            this.prefix = prefix;
        }
    }

    /** Run counts and times of eBPF programs. */
    public static class Programs {

        /**
         * Whether snapshots hold program run counts and times. While on, the kernel's run-time
         * statistics are enabled (through an fd the monitor holds): every BPF program on the host
         * pays two clock reads per run.
         */
        private boolean enabled = false;

        /** Name prefix of the programs reported; empty for every program. */
        private String prefix = "";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }
    }

    /** Whose CPU and memory are reported: at most one of pid, process-name and cgroup; this process when none. */
    public static class Daemon {

        /** Id of the daemon's process. */
        private Long pid;

        /** Name of the daemon's process (/proc/PID/comm, at most 15 bytes), e.g. kmesh-daemon; the oldest wins. */
        private String processName;

        /** Absolute path of the daemon's cgroup directory, v2 or v1. */
        private String cgroup;

        DaemonTarget toTarget() {
            String first = null;
            for (String[] candidate : new String[][] {{"kmesh.perf.daemon.pid", pid == null ? null : pid.toString()},
                    {"kmesh.perf.daemon.process-name", processName}, {"kmesh.perf.daemon.cgroup", cgroup}}) {
                if (!isSet(candidate[1])) {
                    continue;
                }
                if (first != null) {
                    throw new InvalidConfigurationPropertyValueException(candidate[0], candidate[1], first
                            + " is set too, and the daemon is one target: set only one of kmesh.perf.daemon.pid, "
                            + "kmesh.perf.daemon.process-name and kmesh.perf.daemon.cgroup");
                }
                first = candidate[0];
            }
            if (pid != null) {
                return valid("kmesh.perf.daemon.pid", pid, () -> DaemonTarget.pid(pid));
            }
            if (isSet(processName)) {
                return valid("kmesh.perf.daemon.process-name", processName, () -> DaemonTarget.processName(processName));
            }
            if (isSet(cgroup)) {
                return valid("kmesh.perf.daemon.cgroup", cgroup, () -> DaemonTarget.cgroup(Path.of(cgroup.strip())));
            }
            return DaemonTarget.self();
        }

        public Long getPid() {
            return pid;
        }

        public void setPid(Long pid) {
            this.pid = pid;
        }

        public String getProcessName() {
            return processName;
        }

        public void setProcessName(String processName) {
            this.processName = processName;
        }

        public String getCgroup() {
            return cgroup;
        }

        public void setCgroup(String cgroup) {
            this.cgroup = cgroup;
        }
    }

    /** The Micrometer meters. */
    public static class Metrics {

        /**
         * Metric names: kmesh-perf's own (kmesh_bpf_prog_operation_duration_seconds, ...), or upstream,
         * exactly Kmesh's families, for Kmesh's own dashboard.
         */
        private MetricNaming naming = MetricNaming.KMESH_PERF;

        public MetricNaming getNaming() {
            return naming;
        }

        public void setNaming(MetricNaming naming) {
            this.naming = naming;
        }
    }
}
