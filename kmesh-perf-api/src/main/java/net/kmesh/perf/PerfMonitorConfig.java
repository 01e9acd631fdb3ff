package net.kmesh.perf;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable configuration of a {@link PerfMonitor}, safe to share between threads. Built with
 * {@link #builder()}; invalid values are rejected by {@link Builder#build()} (or by the builder
 * method that takes them) with a message that names the field. No accessor returns null.
 */
public final class PerfMonitorConfig {
    static final int DEFAULT_STALE_START_SECONDS = 10;
    static final Duration DEFAULT_STALE_START_AGE = Duration.ofSeconds(DEFAULT_STALE_START_SECONDS);

    /** Highest operation type the probe has a mode slot for (RECORD, HISTOGRAM or OFF). */
    public static final int MAX_MODE_TYPE = 31;
    /** Default of {@link #maxOperationTypes()}. */
    public static final int DEFAULT_MAX_OPERATION_TYPES = 1024;

    private final RecordSource source;
    private final Map<Long, OperationType> operationTypes;
    private final Duration batchDelay;
    private final int maxOperationTypes;
    private final DaemonTarget daemon;
    private final Map<Long, OperationMode> operationModes;
    private final boolean waitForSource;
    private final Duration staleStartAge;
    /** What the builder was given, before defaults that depend on the source: toBuilder() hands these back. */
    private final Duration staleStartAgeGiven;
    private final MapSelector mapsGiven;
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
        this.operationModes = Map.copyOf(b.operationModes);
        this.waitForSource = b.waitForSource;
        this.staleStartAgeGiven = b.staleStartAge;
        this.mapsGiven = b.maps;
        this.staleStartAge = b.staleStartAge != null ? b.staleStartAge
                : source instanceof RecordSource.Samples ? DEFAULT_STALE_START_AGE : Duration.ZERO;
        this.mapStatistics = b.mapStatistics;
        this.maps = b.maps != null ? b.maps
                : source instanceof RecordSource.Kmesh k ? MapSelector.kmesh(k.bpffs()) : MapSelector.kmesh();
        this.programStatistics = b.programStatistics;
        this.programs = b.programs;
    }

    /**
     * A builder with the defaults: a running Kmesh's ring under {@code /sys/fs/bpf}, waited for until
     * it appears; Kmesh's maps; this process as the daemon; no program statistics.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding the values this configuration was built from. Defaults that follow the
     * source (the map selection, the stale-start age) are left unset, so they follow a source
     * changed on the builder too.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.source = source;
        b.operationTypes.putAll(operationTypes);
        b.batchDelay = batchDelay;
        b.maxOperationTypes = maxOperationTypes;
        b.daemon = daemon;
        b.operationModes.putAll(operationModes);
        b.waitForSource = waitForSource;
        b.staleStartAge = staleStartAgeGiven;
        b.mapStatistics = mapStatistics;
        b.maps = mapsGiven;
        b.programStatistics = programStatistics;
        b.programs = programs;
        return b;
    }

    /**
     * Where records are read from (default: {@link RecordSource#kmesh()}).
     *
     * @return the record source
     */
    public RecordSource source() {
        return source;
    }

    /**
     * Whether opening waits for a source that does not exist yet (default yes): the monitor opens
     * with its source {@linkplain SourceStatus.State#WAITING waiting} and attaches when the data
     * plane pins or loads its ring, and again after it goes and comes back. When false, opening
     * fails with {@link PerfMonitorException.NotFoundException} instead. A source that can never
     * work (a pin path outside any bpffs, a map that is not a ring buffer) fails either way.
     *
     * @return true to wait for the source
     */
    public boolean waitForSource() {
        return waitForSource;
    }

    /**
     * The named operation types: Kmesh's three plus those registered.
     *
     * @return an unmodifiable map from type code to type
     */
    public Map<Long, OperationType> operationTypes() {
        return operationTypes;
    }

    /**
     * The type for a code: its registered name, or its number.
     *
     * @param code an operation type code
     * @return the type, never null
     */
    public OperationType operationType(long code) {
        OperationType t = operationTypes.get(code);
        return t != null ? t : OperationType.unnamed(code);
    }

    /**
     * How long the consumer waits after a read that found records before reading again (default
     * 25 ms). It bounds wake-ups to one per delay whatever the record rate; a read that finds the
     * ring a quarter full or more reads again at once, so a burst does not overflow it, and a small
     * ring's wait is shorter still (no longer than 10,000 records/s take to fill it: 10 ms for
     * Kmesh's 4 KiB ring). A wake-up costs the consumer thread about 100 µs of CPU on a VM, the
     * records it reads a few ns each; the delay is how late a {@code RecordListener} and a snapshot
     * see a record, and scrapes come seconds apart.
     *
     * @return the delay, 0 to 1 s
     */
    public Duration batchDelay() {
        return batchDelay;
    }

    /**
     * Most distinct operation types tracked (default {@value #DEFAULT_MAX_OPERATION_TYPES}): the one
     * cap shared by the monitor's histograms and every series a metrics binder makes of them. A
     * record of a further type is counted once, in {@link RecordCounters#typeOverflow()}, and reaches
     * no histogram and no listener.
     *
     * @return the cap on operation types
     */
    public int maxOperationTypes() {
        return maxOperationTypes;
    }

    /**
     * Whose CPU and memory the snapshot reports (default: this process).
     *
     * @return the daemon target
     */
    public DaemonTarget daemon() {
        return daemon;
    }

    /**
     * The modes set on the probe's operation types when the source attaches; types not named keep
     * whatever mode the data plane gave them. See {@link OperationMode}.
     *
     * @return the modes by operation type code
     */
    public Map<Long, OperationMode> operationModes() {
        return operationModes;
    }

    /**
     * Operation types counted in an in-kernel histogram instead of one ring-buffer record per
     * operation: for hot operations, at a fraction of the kernel cost; their durations are merged
     * into the snapshot when it is taken.
     *
     * @return the types in {@link OperationMode#HISTOGRAM}
     */
    public Set<Long> histogramTypes() {
        Set<Long> types = new TreeSet<>();
        operationModes.forEach((type, mode) -> {
            if (mode == OperationMode.HISTOGRAM) {
                types.add(type);
            }
        });
        return Set.copyOf(types);
    }

    /**
     * Starts in {@code kmesh_perf_map} older than this never end (their thread died, say): the
     * monitor deletes them so that they cannot fill the map, and counts them. Zero: no sweep. By
     * default {@value #DEFAULT_STALE_START_SECONDS} s for the bundled samples and off for a running
     * Kmesh's map, which the monitor then only reads.
     *
     * @return the age after which a start is deleted; {@link Duration#ZERO} for no sweep
     */
    public Duration staleStartAge() {
        return staleStartAge;
    }

    /**
     * The age beyond which a start counts as stale in {@link PendingStarts#stale()}: the sweep's age
     * when there is a sweep, else {@value #DEFAULT_STALE_START_SECONDS} s (Kmesh's starts end within
     * one program run). Counting never deletes.
     *
     * @return a positive age
     */
    public Duration staleCountAge() {
        return staleStartAge.isZero() ? DEFAULT_STALE_START_AGE : staleStartAge;
    }

    /**
     * Whether snapshots hold map statistics (default yes).
     *
     * @return true when maps are reported
     */
    public boolean mapStatistics() {
        return mapStatistics;
    }

    /**
     * Which maps the statistics cover. By default Kmesh's: for a {@link RecordSource.Kmesh} source
     * the maps pinned in its directories ({@link MapSelector#kmesh(java.nio.file.Path)}), otherwise
     * maps named {@code km_*} or {@code kmesh_*} ({@link MapSelector#kmesh()}).
     *
     * @return the map selection
     */
    public MapSelector maps() {
        return maps;
    }

    /**
     * Whether snapshots hold program run counts and times (default no). They need the kernel's
     * run-time statistics, which the monitor enables for its lifetime through an fd (never through
     * the sysctl): while on, every BPF program on the host pays two clock reads per run.
     *
     * @return true when programs are reported
     */
    public boolean programStatistics() {
        return programStatistics;
    }

    /**
     * Which programs the statistics cover (default: all), when {@link #programStatistics()} is on.
     *
     * @return the program selection
     */
    public ProgramSelector programs() {
        return programs;
    }

    @Override
    public String toString() {
        return "PerfMonitorConfig[source=" + source + ", operationTypes=" + new TreeMap<>(operationTypes).values()
                + ", batchDelay=" + batchDelay + ", maxOperationTypes=" + maxOperationTypes
                + ", daemon=" + daemon.describe() + ", operationModes=" + new TreeMap<>(operationModes)
                + ", waitForSource=" + waitForSource
                + ", staleStartAge=" + staleStartAge + ", maps=" + (mapStatistics ? maps : "off")
                + ", programs=" + (programStatistics ? programs : "off") + "]";
    }

    /**
     * Builder of {@link PerfMonitorConfig}; each setter returns this builder. Not thread-safe: one
     * thread builds.
     */
    public static final class Builder {
        private RecordSource source = RecordSource.kmesh();
        private final Map<Long, OperationType> operationTypes = new TreeMap<>();
        private Duration batchDelay = Duration.ofMillis(25);
        private int maxOperationTypes = DEFAULT_MAX_OPERATION_TYPES;
        private DaemonTarget daemon = DaemonTarget.self();
        private final Map<Long, OperationMode> operationModes = new TreeMap<>();
        private boolean waitForSource = true;
        private Duration staleStartAge;
        private boolean mapStatistics = true;
        private MapSelector maps;
        private boolean programStatistics;
        private ProgramSelector programs = ProgramSelector.all();

        private Builder() {
            for (OperationType t : new OperationType[] {OperationType.SOCK_TRAFFIC_CONTROL,
                    OperationType.XDP_SHUTDOWN, OperationType.ENABLE_ENCODING_METADATA}) {
                operationTypes.put(t.code(), t);
            }
        }

        /**
         * Where records are read from (default {@link RecordSource#kmesh()}).
         *
         * @param source the record source; null is rejected by {@link #build()}
         * @return this builder
         */
        public Builder source(RecordSource source) {
            this.source = source;
            return this;
        }

        /**
         * Names an operation type, replacing any earlier name (Kmesh's three included).
         *
         * @param code an unsigned 32-bit value
         * @param name the label of its series and snapshots, not blank
         * @return this builder
         * @throws IllegalArgumentException when the code is out of range or the name blank
         */
        public Builder operationName(long code, String name) {
            OperationType t = new OperationType(code, name);
            operationTypes.put(code, t);
            return this;
        }

        /**
         * See {@link PerfMonitorConfig#batchDelay()}.
         *
         * @param batchDelay 0 to 1 s (default 25 ms)
         * @return this builder
         */
        public Builder batchDelay(Duration batchDelay) {
            this.batchDelay = batchDelay;
            return this;
        }

        /**
         * See {@link PerfMonitorConfig#maxOperationTypes()}.
         *
         * @param maxOperationTypes 1 to 65,536 (default {@value PerfMonitorConfig#DEFAULT_MAX_OPERATION_TYPES})
         * @return this builder
         */
        public Builder maxOperationTypes(int maxOperationTypes) {
            this.maxOperationTypes = maxOperationTypes;
            return this;
        }

        /**
         * Whose CPU and memory are reported (default {@link DaemonTarget#self()}).
         *
         * @param daemon the target; null is rejected by {@link #build()}
         * @return this builder
         */
        public Builder daemon(DaemonTarget daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Puts operation types in histogram mode (see {@link PerfMonitorConfig#histogramTypes()}).
         * The probe has histograms for types 0 to {@value #MAX_MODE_TYPE}.
         *
         * @param codes operation type codes
         * @return this builder
         */
        public Builder histogramMode(long... codes) {
            for (long code : codes) {
                operationMode(code, OperationMode.HISTOGRAM);
            }
            return this;
        }

        /**
         * Sets the mode of an operation type when the source attaches (see
         * {@link PerfMonitorConfig#operationModes()}).
         *
         * @param code 0 to {@value #MAX_MODE_TYPE}
         * @param mode the mode
         * @return this builder
         */
        public Builder operationMode(long code, OperationMode mode) {
            if (code < 0 || code > MAX_MODE_TYPE) {
                throw new IllegalArgumentException("operationMode: the probe has modes for operation types 0 to "
                        + MAX_MODE_TYPE + " (KMESH_PERF_MODE_TYPES), got " + code);
            }
            if (mode == null) {
                throw new IllegalArgumentException("operationMode: mode must not be null");
            }
            operationModes.put(code, mode);
            return this;
        }

        /**
         * See {@link PerfMonitorConfig#waitForSource()}.
         *
         * @param wait false to fail at open when the source does not exist
         * @return this builder
         */
        public Builder waitForSource(boolean wait) {
            this.waitForSource = wait;
            return this;
        }

        /**
         * See {@link PerfMonitorConfig#staleStartAge()}; setting it turns the sweep on for any source.
         *
         * @param age zero (no sweep) or positive
         * @return this builder
         * @throws IllegalArgumentException when it is null or negative
         */
        public Builder staleStartAge(Duration age) {
            if (age == null || age.isNegative()) {
                throw new IllegalArgumentException("staleStartAge must be zero or positive, got " + age);
            }
            this.staleStartAge = age;
            return this;
        }

        /**
         * Turns map statistics on or off (default on); see {@link PerfMonitorConfig#mapStatistics()}.
         *
         * @param on whether snapshots hold map statistics
         * @return this builder
         */
        public Builder mapStatistics(boolean on) {
            this.mapStatistics = on;
            return this;
        }

        /**
         * Selects the maps of the statistics (and turns them on).
         *
         * @param selector the maps to report
         * @return this builder
         */
        public Builder maps(MapSelector selector) {
            if (selector == null) {
                throw new IllegalArgumentException("maps must not be null");
            }
            this.maps = selector;
            this.mapStatistics = true;
            return this;
        }

        /**
         * Turns program statistics on or off (default off); see
         * {@link PerfMonitorConfig#programStatistics()} for what they cost every program on the host.
         *
         * @param on whether snapshots hold program run counts and times
         * @return this builder
         */
        public Builder programStatistics(boolean on) {
            this.programStatistics = on;
            return this;
        }

        /**
         * Selects the programs of the statistics (and turns them on).
         *
         * @param selector the programs to report; null is rejected by {@link #build()}
         * @return this builder
         */
        public Builder programs(ProgramSelector selector) {
            this.programs = selector;
            this.programStatistics = true;
            return this;
        }

        /**
         * Builds the configuration; the builder can be changed and built again afterwards.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the first invalid field
         */
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
            if (programs == null) {
                throw new IllegalArgumentException("programs must not be null");
            }
            return new PerfMonitorConfig(this);
        }
    }
}
