package net.kmesh.perf;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable configuration of a {@link PerfMonitor}. Built with {@link #builder()}; invalid values
 * are rejected by {@link Builder#build()} with a message that names the field.
 */
public final class PerfMonitorConfig {
    static final int DEFAULT_STALE_START_SECONDS = 10;
    static final Duration DEFAULT_STALE_START_AGE = Duration.ofSeconds(DEFAULT_STALE_START_SECONDS);

    /** Highest operation type the probe keeps an in-kernel histogram for. */
    public static final int MAX_HISTOGRAM_TYPE = 31;

    private final RecordSource source;
    private final Map<Long, OperationType> operationTypes;
    private final Duration batchDelay;
    private final int maxOperationTypes;
    private final DaemonTarget daemon;
    private final Set<Long> histogramTypes;
    private final Duration staleStartAge;
    private final boolean mapStatistics;
    private final MapSelector maps;
    private final boolean programStatistics;
    private final ProgramSelector programs;

    private PerfMonitorConfig(Builder b) {
        this.source = b.source;
        this.operationTypes = Map.copyOf(b.operationTypes);
        this.batchDelay = b.batchDelay;
        this.maxOperationTypes = b.maxOperationTypes;
        this.daemon = b.daemon;
        this.histogramTypes = Set.copyOf(b.histogramTypes);
        this.staleStartAge = b.staleStartAge != null ? b.staleStartAge
                : source instanceof RecordSource.Bundled ? DEFAULT_STALE_START_AGE : Duration.ZERO;
        this.mapStatistics = b.mapStatistics;
        this.maps = b.maps;
        this.programStatistics = b.programStatistics;
        this.programs = b.programs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.source = source;
        b.operationTypes.putAll(operationTypes);
        b.batchDelay = batchDelay;
        b.maxOperationTypes = maxOperationTypes;
        b.daemon = daemon;
        b.histogramTypes.addAll(histogramTypes);
        b.staleStartAge = staleStartAge;
        b.mapStatistics = mapStatistics;
        b.maps = maps;
        b.programStatistics = programStatistics;
        b.programs = programs;
        return b;
    }

    public RecordSource source() {
        return source;
    }

    /** The named operation types: Kmesh's three plus those registered. */
    public Map<Long, OperationType> operationTypes() {
        return operationTypes;
    }

    /** The type for {@code code}: its registered name, or its number. */
    public OperationType operationType(long code) {
        OperationType t = operationTypes.get(code);
        return t != null ? t : OperationType.unnamed(code);
    }

    /**
     * How long the consumer waits after a read that found records before reading again (default
     * 10 ms). It bounds wake-ups to one per delay whatever the record rate; a read that finds the
     * ring a quarter full or more reads again at once, so a burst does not overflow it.
     */
    public Duration batchDelay() {
        return batchDelay;
    }

    /** Most distinct operation types tracked; records of further types are counted as invalid. */
    public int maxOperationTypes() {
        return maxOperationTypes;
    }

    /** Whose CPU and memory the snapshot reports (default: this process). */
    public DaemonTarget daemon() {
        return daemon;
    }

    /**
     * Operation types counted in an in-kernel histogram instead of one ring-buffer record per
     * operation: for hot operations, at a fraction of the kernel cost; their durations are merged
     * into the snapshot when it is taken.
     */
    public Set<Long> histogramTypes() {
        return histogramTypes;
    }

    /**
     * Starts in {@code kmesh_perf_map} older than this never end (their thread died, say): the
     * monitor deletes them so that they cannot fill the map, and counts them. Zero: no sweep. By
     * default {@value #DEFAULT_STALE_START_SECONDS} s for the bundled samples and off for a running
     * Kmesh's map, which the monitor then only reads.
     */
    public Duration staleStartAge() {
        return staleStartAge;
    }

    /** Whether snapshots hold map statistics (default yes). */
    public boolean mapStatistics() {
        return mapStatistics;
    }

    /** Which maps the statistics cover (default: names starting with {@code kmesh_}, as Kmesh does). */
    public MapSelector maps() {
        return maps;
    }

    /**
     * Whether snapshots hold program run counts and times (default no). They need the kernel's
     * run-time statistics, which the monitor enables for its lifetime through an fd (never through
     * the sysctl): while on, every BPF program on the host pays two clock reads per run.
     */
    public boolean programStatistics() {
        return programStatistics;
    }

    /** Which programs the statistics cover (default: all). */
    public ProgramSelector programs() {
        return programs;
    }

    @Override
    public String toString() {
        return "PerfMonitorConfig[source=" + source + ", operationTypes=" + new TreeMap<>(operationTypes).values()
                + ", batchDelay=" + batchDelay + ", maxOperationTypes=" + maxOperationTypes
                + ", daemon=" + daemon.describe() + ", histogramTypes=" + new TreeSet<>(histogramTypes)
                + ", staleStartAge=" + staleStartAge + ", maps=" + (mapStatistics ? maps : "off")
                + ", programs=" + (programStatistics ? programs : "off") + "]";
    }

    /** Builder of {@link PerfMonitorConfig}. */
    public static final class Builder {
        private RecordSource source = RecordSource.bundled();
        private final Map<Long, OperationType> operationTypes = new TreeMap<>();
        private Duration batchDelay = Duration.ofMillis(10);
        private int maxOperationTypes = 1024;
        private DaemonTarget daemon = DaemonTarget.self();
        private final Set<Long> histogramTypes = new TreeSet<>();
        private Duration staleStartAge;
        private boolean mapStatistics = true;
        private MapSelector maps = MapSelector.kmesh();
        private boolean programStatistics;
        private ProgramSelector programs = ProgramSelector.all();

        private Builder() {
            for (OperationType t : new OperationType[] {OperationType.SOCK_TRAFFIC_CONTROL,
                    OperationType.XDP_SHUTDOWN, OperationType.ENABLE_ENCODING_METADATA, SampleOptions.SYSCALL_SPAN}) {
                operationTypes.put(t.code(), t);
            }
        }

        public Builder source(RecordSource source) {
            this.source = source;
            return this;
        }

        /** Names operation type {@code code} (an unsigned 32-bit value), replacing any earlier name. */
        public Builder operationName(long code, String name) {
            OperationType t = new OperationType(code, name);
            operationTypes.put(code, t);
            return this;
        }

        public Builder batchDelay(Duration batchDelay) {
            this.batchDelay = batchDelay;
            return this;
        }

        public Builder maxOperationTypes(int maxOperationTypes) {
            this.maxOperationTypes = maxOperationTypes;
            return this;
        }

        public Builder daemon(DaemonTarget daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Puts operation types in histogram mode (see {@link PerfMonitorConfig#histogramTypes()}).
         * The probe has histograms for types 0 to {@value #MAX_HISTOGRAM_TYPE}.
         */
        public Builder histogramMode(long... codes) {
            for (long code : codes) {
                if (code < 0 || code > MAX_HISTOGRAM_TYPE) {
                    throw new IllegalArgumentException("histogramMode: the probe keeps histograms for operation types 0 to "
                            + MAX_HISTOGRAM_TYPE + " (KMESH_PERF_HIST_TYPES), got " + code);
                }
                histogramTypes.add(code);
            }
            return this;
        }

        /** See {@link PerfMonitorConfig#staleStartAge()}; setting it turns the sweep on for any source. */
        public Builder staleStartAge(Duration age) {
            if (age == null || age.isNegative()) {
                throw new IllegalArgumentException("staleStartAge must be zero or positive, got " + age);
            }
            this.staleStartAge = age;
            return this;
        }

        public Builder mapStatistics(boolean on) {
            this.mapStatistics = on;
            return this;
        }

        /** Selects the maps of the statistics (and turns them on). */
        public Builder maps(MapSelector selector) {
            this.maps = selector;
            this.mapStatistics = true;
            return this;
        }

        public Builder programStatistics(boolean on) {
            this.programStatistics = on;
            return this;
        }

        /** Selects the programs of the statistics (and turns them on). */
        public Builder programs(ProgramSelector selector) {
            this.programs = selector;
            this.programStatistics = true;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid field */
        public PerfMonitorConfig build() {
            if (source == null) {
                throw new IllegalArgumentException("source must not be null");
            }
            if (batchDelay == null || batchDelay.isNegative() || batchDelay.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("batchDelay must be between 0 and 1 s, got " + batchDelay);
            }
            if (maxOperationTypes < 1 || maxOperationTypes > 65_536) {
                throw new IllegalArgumentException("maxOperationTypes must be between 1 and 65536, got "
                        + maxOperationTypes);
            }
            if (daemon == null) {
                throw new IllegalArgumentException("daemon must not be null");
            }
            if (maps == null) {
                throw new IllegalArgumentException("maps must not be null");
            }
            if (programs == null) {
                throw new IllegalArgumentException("programs must not be null");
            }
            return new PerfMonitorConfig(this);
        }
    }
}
