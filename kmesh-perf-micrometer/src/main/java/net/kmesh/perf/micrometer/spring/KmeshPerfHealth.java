package net.kmesh.perf.micrometer.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.SourceStatus;

/**
 * The {@code kmeshPerf} health component, computed from a monitor independently of the Spring Boot
 * version; the health auto-configurations turn it into their version's {@code Health}.
 *
 * <p>{@code UP} while the source is attached. {@value #WAITING} while the monitor waits for its data
 * plane, and {@value #UNAVAILABLE} when the monitor could not open: codes of their own, because
 * Spring Boot leaves codes that are not in {@code management.endpoint.health.status.order} out of the
 * application's aggregate status and answers them with HTTP 200. A monitoring library waiting for
 * its data plane must not take the application it watches out of service; who wants it to can add
 * the codes to that order.
 *
 * @param status  the status code
 * @param details the details, in a stable order
 */
record KmeshPerfHealth(String status, Map<String, Object> details) {
    /** The source's data plane is not there (yet): the monitor attaches when it appears. */
    static final String WAITING = "WAITING";
    /** The monitor could not open at all; see the {@code error} detail. */
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String UP = "UP";

    KmeshPerfHealth {
        Objects.requireNonNull(status, "status");
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The health of {@code monitor} now. Never throws. */
    static KmeshPerfHealth of(PerfMonitor monitor) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (monitor instanceof UnavailablePerfMonitor unavailable) {
            details.put("source", monitor.config().source().describe());
            details.put("error", String.valueOf(unavailable.failure().getMessage()));
            details.put("features", List.of());
            return new KmeshPerfHealth(UNAVAILABLE, details);
        }
        PerfSnapshot snapshot;
        try {
            snapshot = monitor.snapshot();
        } catch (RuntimeException e) {
            details.put("source", monitor.config().source().describe());
            details.put("error", "reading a snapshot failed: " + e);
            return new KmeshPerfHealth(UNAVAILABLE, details);
        }
        SourceStatus source = snapshot.source();
        details.put("source", source.description());
        details.put("state", source.state().name());
        details.put("mode", source.mode().name());
        source.ringMapId().ifPresent(id -> details.put("ringMapId", id));
        details.put("reattachments", source.reattachments());
        details.put("ringsMissed", source.ringsMissed());
        source.problem().ifPresent(p -> details.put("problem", p));
        snapshot.operationsProblem().ifPresent(p -> details.put("operations",
                Map.of("reason", p.reason().tagValue(), "message", p.message())));
        snapshot.starts().ifPresent(st -> details.put("starts", Map.of("pending", st.pending(), "stale", st.stale(),
                "capacity", st.capacity(), "staleAgeSeconds", st.staleAge().toSeconds())));
        // Capabilities.notes() are left out: they were written when the monitor opened, and a note such
        // as "waiting for the ring" would still show after it attached.
        details.put("features", snapshot.features().stream().map(Capabilities.Feature::tagValue).sorted().toList());
        return new KmeshPerfHealth(source.up() ? UP : WAITING, details);
    }
}
