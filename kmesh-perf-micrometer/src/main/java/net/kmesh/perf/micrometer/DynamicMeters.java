package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Meters whose series come and go (maps, programs, the daemon): each plan names the meters that
 * should exist; those missing are registered, those no longer named are removed. Once
 * {@link #removeAll()} ran, nothing is registered again.
 */
final class DynamicMeters {
    private final MeterRegistry registry;
    private final Map<String, Meter> meters = new HashMap<>();
    private boolean closed;

    DynamicMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Starts naming the meters that should exist now. */
    Plan plan() {
        return new Plan();
    }

    synchronized boolean closed() {
        return closed;
    }

    /** Removes every meter and registers none from now on. Never throws. */
    synchronized void removeAll() {
        closed = true;
        for (Meter m : meters.values()) {
            try {
                registry.remove(m);
            } catch (RuntimeException e) {
                // A registry that fails to remove one meter must not keep the others.
            }
        }
        meters.clear();
    }

    final class Plan {
        private final Set<String> wanted = new HashSet<>();

        /** The meter known by {@code key} should exist; {@code register} makes it if it does not. */
        void want(String key, Supplier<Meter> register) {
            wanted.add(key);
            synchronized (DynamicMeters.this) {
                if (!closed) {
                    meters.computeIfAbsent(key, k -> register.get());
                }
            }
        }

        /** Removes every meter not wanted by this plan. */
        void apply() {
            synchronized (DynamicMeters.this) {
                meters.entrySet().removeIf(e -> {
                    if (wanted.contains(e.getKey())) {
                        return false;
                    }
                    registry.remove(e.getValue());
                    return true;
                });
            }
        }
    }
}
