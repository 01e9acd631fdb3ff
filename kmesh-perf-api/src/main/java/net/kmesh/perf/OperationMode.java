package net.kmesh.perf;

/**
 * What the probe does for an operation type, switched at run time through the probe's mode map
 * ({@code kmesh_perf_mode}) without reloading any program. The probe has a mode for operation types
 * 0 to {@value PerfMonitorConfig#MAX_MODE_TYPE}; other types are always recorded.
 */
public enum OperationMode {
    /** One ring-buffer record per operation (the probe's default). */
    RECORD,
    /** Counted in a per-CPU histogram in the kernel, no record: for hot operation types. */
    HISTOGRAM,
    /** Not timed at all: no clock read, no map traffic beyond the one lookup of the mode. */
    OFF;

    /**
     * The value the probe's mode map holds for this mode ({@code enum kmesh_perf_mode}).
     *
     * @return 0 for {@link #RECORD}, 1 for {@link #HISTOGRAM}, 2 for {@link #OFF}
     */
    public int kernelValue() {
        return ordinal();
    }

    /**
     * The mode for a value of the probe's mode map.
     *
     * @param value a value of {@code enum kmesh_perf_mode}
     * @return the mode
     * @throws IllegalArgumentException when the value is no mode
     */
    public static OperationMode ofKernelValue(int value) {
        OperationMode[] all = values();
        if (value < 0 || value >= all.length) {
            throw new IllegalArgumentException("kmesh_perf_mode holds " + value + ", which is no mode (0 record, "
                    + "1 histogram, 2 off)");
        }
        return all[value];
    }
}
