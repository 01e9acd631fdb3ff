package net.kmesh.perf.micrometer.spring;

import java.nio.file.Path;
import java.util.Collections;
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
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@code kmesh.perf.*} properties of the Spring Boot auto-configuration. Everything left unset
 * keeps the library's default (see {@link PerfMonitorConfig#builder()}): a running Kmesh's ring under
 * {@code /sys/fs/bpf}, waited for until it appears; Kmesh's maps; this process as the daemon; no
 * program statistics.
 *
 * @param enabled           Whether to monitor the data plane and expose its metrics and health.
 * @param failFast          Whether a monitor that cannot open (no privilege, no libbpf, a source that can
 *                          never work) stops the application's start. By default the application starts
 *                          without kmesh-perf metrics and says why in one log line and in the health
 *                          component kmeshPerf.
 * @param nodeName          The node_name tag of every kmesh-perf series. Default: the NODE_NAME
 *                          environment variable (as Kmesh's daemonset sets it), else the host name.
 * @param histogramTypes    Operation types (0 to 31) that the probe counts in in-kernel histograms
 *                          instead of one ring-buffer record per operation: for hot operations.
 * @param operationNames    Names of operation types by code, beside Kmesh's own three; unnamed types are
 *                          labelled by number.
 * @param maxOperationTypes Most distinct operation types tracked; records of further types are counted,
 *                          not timed.
 * @param source            Where operation records are read from.
 * @param maps              Statistics of eBPF maps.
 * @param programs          Run counts and times of eBPF programs.
 * @param daemon            Whose CPU and memory are reported.
 * @param metrics           The Micrometer meters.
 */
@ConfigurationProperties(prefix = "kmesh.perf")
public record KmeshPerfProperties(
        @DefaultValue("true") boolean enabled,
        boolean failFast,
        String nodeName,
        @DefaultValue List<Long> histogramTypes,
        @DefaultValue Map<Long, String> operationNames,
        @DefaultValue("" + PerfMonitorConfig.DEFAULT_MAX_OPERATION_TYPES) int maxOperationTypes,
        @DefaultValue Source source,
        @DefaultValue Maps maps,
        @DefaultValue Programs programs,
        @DefaultValue Daemon daemon,
        @DefaultValue Metrics metrics) {

    /**
     * Copies the collections; a group left out (null) has its defaults.
     *
     * @param enabled           see the record
     * @param failFast          see the record
     * @param nodeName          see the record
     * @param histogramTypes    see the record
     * @param operationNames    see the record
     * @param maxOperationTypes see the record
     * @param source            see the record
     * @param maps              see the record
     * @param programs          see the record
     * @param daemon            see the record
     * @param metrics           see the record
     */
    public KmeshPerfProperties {
        histogramTypes = histogramTypes == null ? List.of() : List.copyOf(histogramTypes);
        operationNames = operationNames == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(operationNames));
        source = source == null ? new Source(null, null, null, false, true) : source;
        maps = maps == null ? new Maps(true, null, null) : maps;
        programs = programs == null ? new Programs(false, "") : programs;
        daemon = daemon == null ? new Daemon(null, null, null) : daemon;
        metrics = metrics == null ? new Metrics(MetricNaming.KMESH_PERF) : metrics;
    }

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
        b.waitForSource(source.waitForSource());
        b.daemon(daemon.toTarget());
        if (!maps.enabled()) {
            b.mapStatistics(false);
        } else if (isSet(maps.selection()) && !maps.selection().equals("kmesh")) {
            b.maps(valid("kmesh.perf.maps.selection", maps.selection(), maps::kmeshExporter));
        } else if (maps.prefix() != null) {
            List<String> prefixes = maps.prefix();
            b.maps(valid("kmesh.perf.maps.prefix", prefixes, () -> prefixes.isEmpty() ? MapSelector.all()
                    : MapSelector.namePrefix(prefixes.toArray(new String[0]))));
        }
        if (programs.enabled()) {
            b.programs(valid("kmesh.perf.programs.prefix", programs.prefix(),
                    () -> ProgramSelector.namePrefix(programs.prefix() == null ? "" : programs.prefix())));
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

    /**
     * Where operation records are read from: one of pin, map-name and kmesh; a running Kmesh under
     * /sys/fs/bpf when none is set.
     *
     * @param pin     Pin path of an existing ring buffer in a bpffs, e.g.
     *                /sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info. An empty value is the same as none.
     * @param mapName Map name of an existing ring buffer (the newest of that name), e.g. km_perf_info.
     * @param kmesh   The bpffs under which a running Kmesh pins its maps (its --bpf-fs-path); its ring and
     *                maps are found in bpf_kmesh_workload/map or bpf_kmesh/map there. Used when neither pin
     *                nor map-name is set, with /sys/fs/bpf when this is not set either.
     * @param observe Whether to read the ring without consuming it, so that the data plane's own reader
     *                (Kmesh's daemon) keeps every record; records it frees first are counted as missed.
     * @param waitForSource Whether a source that does not exist yet is waited for: the monitor attaches
     *                when the data plane appears, and again after it restarts. When false, a missing source
     *                is an error when the monitor opens.
     */
    public record Source(String pin, String mapName, String kmesh, boolean observe,
                         @Name("wait") @DefaultValue("true") boolean waitForSource) {
        // The property is kmesh.perf.source.wait; a record component cannot be named wait (Object.wait()).

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
    }

    /**
     * Statistics of eBPF maps.
     *
     * @param enabled Whether snapshots hold eBPF map statistics.
     * @param prefix  Name prefixes of the maps reported; an empty value reports every map. Default: Kmesh's
     *                maps (named km_ or kmesh_; for a Kmesh source, those pinned in its map directories).
     * @param selection Which maps: kmesh (the default: Kmesh's maps, or those of the prefixes), or
     *                kmesh-exporter: exactly the maps Kmesh's own exporter reports (every map named
     *                kmesh_* or unnamed, entries of its kmesh_* hash maps only), to compare like for like.
     */
    public record Maps(@DefaultValue("true") boolean enabled, List<String> prefix, String selection) {
        /**
         * Copies the prefixes.
         *
         * @param enabled see the record
         * @param prefix  see the record; null for the default
         * @param selection see the record; null for the default
         */
        public Maps {
            prefix = prefix == null ? null : List.copyOf(prefix);
        }

        /** Kmesh's exporter's selection, when {@code selection} names it and no prefix is given. */
        MapSelector kmeshExporter() {
            if (!selection.equals("kmesh-exporter")) {
                throw new IllegalArgumentException("'" + selection + "' is not one of kmesh, kmesh-exporter");
            }
            if (prefix != null) {
                throw new IllegalArgumentException("kmesh-exporter follows Kmesh's exporter's own rules: "
                        + "remove kmesh.perf.maps.prefix");
            }
            return MapSelector.kmeshExporter();
        }
    }

    /**
     * Run counts and times of eBPF programs.
     *
     * @param enabled Whether snapshots hold program run counts and times. While on, the kernel's run-time
     *                statistics are enabled (through an fd the monitor holds): every BPF program on the
     *                host pays two clock reads per run.
     * @param prefix  Name prefix of the programs reported; empty for every program.
     */
    public record Programs(boolean enabled, @DefaultValue("") String prefix) {
    }

    /**
     * Whose CPU and memory are reported: at most one of pid, process-name and cgroup; this process when
     * none is set.
     *
     * @param pid         Id of the daemon's process.
     * @param processName Name of the daemon's process (/proc/PID/comm, at most 15 bytes), e.g.
     *                    kmesh-daemon; the oldest of that name is reported.
     * @param cgroup      Absolute path of the daemon's cgroup directory, v2 or v1.
     */
    public record Daemon(Long pid, String processName, String cgroup) {

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
    }

    /**
     * The Micrometer meters.
     *
     * @param naming Metric names: kmesh-perf's own (kmesh_bpf_prog_operation_duration_seconds, ...), or
     *               upstream, exactly Kmesh's families, for Kmesh's own dashboard.
     */
    public record Metrics(@DefaultValue("kmesh-perf") MetricNaming naming) {
        /**
         * A naming left out (null) is kmesh-perf's.
         *
         * @param naming see the record
         */
        public Metrics {
            naming = naming == null ? MetricNaming.KMESH_PERF : naming;
        }
    }
}
