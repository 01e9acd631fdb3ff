package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.PerfMonitorException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class StateLogTest {
    private final List<String> logged = new ArrayList<>();
    private final StateLog log = new StateLog((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn") || method.getName().equals("info")) {
                    logged.add(method.getName() + " " + ((String) args[0]).split(" ")[2]);
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            }));

    @Test
    void aFailureIsLoggedOncePerChangeOfKindWhateverItsMessageNames() {
        for (int pid = 0; pid < 5; pid++) {
            log.failed("maps", new PerfMonitorException("pid " + pid + " is gone", 3, null));
        }
        log.failed("maps", new PerfMonitorException("too many open files", 24, null));
        log.failed("maps", new PerfMonitorException("too many open files again", 24, null));
        log.ok("maps");
        log.ok("maps");
        log.failed("maps", new IllegalStateException("EMFILE"));
        log.ok("programs");
        assertEquals(List.of("warn maps", "warn maps", "info maps", "warn maps"), logged);
    }

    @Test
    void aProblemIsLoggedOncePerKindNotPerMessage() {
        log.problem("types", "over the cap", () -> "1025 types");
        log.problem("types", "over the cap", () -> "1026 types");
        log.ok("types");
        assertEquals(List.of("warn types:", "info types"), logged);
    }
}
