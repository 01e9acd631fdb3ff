package net.kmesh.perf.micrometer.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.spi.PerfMonitorProvider;
import net.kmesh.perf.testing.FakeMonitor;

/**
 * The {@link PerfMonitorProvider} bean the auto-configuration opens its monitor with in these tests:
 * it keeps every monitor it opened, and opens with {@code open} (a fake by default).
 */
final class FakeProvider implements PerfMonitorProvider {
    final List<FakeMonitor> opened = new CopyOnWriteArrayList<>();
    /** Called with each monitor opened, before it is returned. */
    volatile Consumer<FakeMonitor> onOpen = m -> { };
    private final Function<PerfMonitorConfig, RuntimeException> failure;

    FakeProvider() {
        this(config -> null);
    }

    /** Fails every open with what {@code failure} returns, when it returns non-null. */
    FakeProvider(Function<PerfMonitorConfig, RuntimeException> failure) {
        this.failure = failure;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public PerfMonitor open(PerfMonitorConfig config) {
        RuntimeException e = failure.apply(config);
        if (e != null) {
            throw e;
        }
        FakeMonitor m = new FakeMonitor(config);
        onOpen.accept(m);
        opened.add(m);
        return m;
    }

    /** The one monitor opened. */
    FakeMonitor only() {
        if (opened.size() != 1) {
            throw new AssertionError("expected one monitor opened, got " + opened.size());
        }
        return opened.get(0);
    }
}
