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
    /**
     * Code 1, Kmesh's {@code SOCK_TRAFFIC_CONTROL}: the service lookup and load balancing its
     * {@code cgroup/connect} program does for one connection.
     */
    public static final OperationType SOCK_TRAFFIC_CONTROL = new OperationType(1, "SOCK_TRAFFIC_CONTROL");
    /** Code 2, Kmesh's {@code XDP_SHUTDOWN} (named in Kmesh's probe header, not recorded by its programs yet). */
    public static final OperationType XDP_SHUTDOWN = new OperationType(2, "XDP_SHUTDOWN");
    /** Code 3, Kmesh's {@code ENABLE_ENCODING_METADATA} (named in Kmesh's probe header, not recorded by its programs yet). */
    public static final OperationType ENABLE_ENCODING_METADATA = new OperationType(3, "ENABLE_ENCODING_METADATA");

    /**
     * Validates the type.
     *
     * @param code an unsigned 32-bit value, 0 to 2<sup>32</sup> - 1
     * @param name the label, not blank
     * @throws IllegalArgumentException when the code is out of range or the name is blank
     */
    public OperationType {
        if (code < 0 || code > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("operation type code " + code + " is not an unsigned 32-bit value");
        }
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("operation type " + code + " has a blank name");
        }
    }

    /**
     * The type for a code nobody named: its name is the number.
     *
     * @param code an unsigned 32-bit value
     * @return the type named, e.g., {@code "17"}
     */
    public static OperationType unnamed(long code) {
        return new OperationType(code, Long.toString(code));
    }
}
