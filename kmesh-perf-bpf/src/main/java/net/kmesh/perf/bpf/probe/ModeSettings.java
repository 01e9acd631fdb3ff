package net.kmesh.perf.bpf.probe;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.layout.ProbeLayout;

/**
 * Remembers the operation modes asked for, so that every incarnation attached later gets them too,
 * and applies a new one to the attached probe. Thread-safe.
 */
final class ModeSettings {
    private final ConcurrentSkipListMap<Long, OperationMode> modes;

    ModeSettings(Map<Long, OperationMode> configured) {
        this.modes = new ConcurrentSkipListMap<>(configured);
    }

    /** Every mode asked for so far, by operation type: what a newly attached probe is set to. */
    Map<Long, OperationMode> asked() {
        return modes;
    }

    /**
     * Sets {@code type}'s mode in {@code attached} (null while none is) and remembers it.
     *
     * @throws PerfMonitorException when the attached probe has no mode map
     */
    synchronized void set(Probe attached, long type, OperationMode mode) {
        if (type < 0 || type >= ProbeLayout.MODE_TYPES) {
            throw new IllegalArgumentException("operation type " + type + " has no mode: the probe has modes for types 0 to "
                    + (ProbeLayout.MODE_TYPES - 1));
        }
        if (attached != null && attached.modes() == null) {
            throw new PerfMonitorException(attached.maps().origin() + " has no mode map ("
                    + ProbeLayout.namesOf(ProbeLayout.MODES) + "): its programs were built without kmesh_perf.h's "
                    + "modes");
        }
        modes.put(type, mode);
        if (attached != null) {
            attached.modes().set(type, mode);
        }
    }
}
