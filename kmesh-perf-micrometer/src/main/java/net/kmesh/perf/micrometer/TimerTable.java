package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The duration timer of each operation type, created on its first record. Codes below 256 are
 * found by index, so the lookup per record allocates nothing.
 */
final class TimerTable {
    private static final int DIRECT = 256;
    private final LongFunction<Timer> factory;
    private final Timer[] direct = new Timer[DIRECT];
    private final ConcurrentHashMap<Long, Timer> others = new ConcurrentHashMap<>();

    TimerTable(LongFunction<Timer> factory) {
        this.factory = factory;
    }

    Timer get(long code) {
        if (code < DIRECT) {
            Timer t = direct[(int) code];
            return t != null ? t : create(code);
        }
        Timer t = others.get(code);
        return t != null ? t : create(code);
    }

    private synchronized Timer create(long code) {
        if (code < DIRECT) {
            if (direct[(int) code] == null) {
                direct[(int) code] = factory.apply(code);
            }
            return direct[(int) code];
        }
        return others.computeIfAbsent(code, factory::apply);
    }

    synchronized void forEach(Consumer<Timer> action) {
        for (Timer t : direct) {
            if (t != null) {
                action.accept(t);
            }
        }
        others.values().forEach(action);
    }
}
