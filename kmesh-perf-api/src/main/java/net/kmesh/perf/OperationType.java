package net.kmesh.perf;

import java.util.Objects;

/**
 * An operation type code as the probe writes it, with its name. Codes 1 to 3 are Kmesh's own;
 * users register more in {@link PerfMonitorConfig.Builder#operationName(int, String)}; an
 * unregistered code is named by its number.
 *
 * @param code the {@code operation_type} field of the record, an unsigned 32-bit value
 * @param name the label used in snapshots and metrics
 */
public record OperationType(long code, String name) {
    public static final OperationType SOCK_TRAFFIC_CONTROL = new OperationType(1, "SOCK_TRAFFIC_CONTROL");
    public static final OperationType XDP_SHUTDOWN = new OperationType(2, "XDP_SHUTDOWN");
    public static final OperationType ENABLE_ENCODING_METADATA = new OperationType(3, "ENABLE_ENCODING_METADATA");

    public OperationType {
        if (code < 0 || code > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("operation type code " + code + " is not an unsigned 32-bit value");
        }
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("operation type " + code + " has a blank name");
        }
    }

    /** The type for a code nobody named: its name is the number. */
    public static OperationType unnamed(long code) {
        return new OperationType(code, Long.toString(code));
    }
}
