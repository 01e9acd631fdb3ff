package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class StateLogTest {
    private final List<String> logged = new ArrayList<>();
    private final StateLog log = new StateLog((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn") || method.getName().equals("info")) {
                    logged.add(method.getName() + " " + args[1]);
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            }));

    @Test
    void aFailureIsLoggedOncePerChangeOfState() {
        for (int i = 0; i < 5; i++) {
            log.failed("maps", new IllegalStateException("pin gone"));
        }
        log.failed("maps", new IllegalStateException("EMFILE"));
        log.failed("maps", new IllegalStateException("EMFILE"));
        log.ok("maps");
        log.ok("maps");
        log.failed("maps", new IllegalStateException("EMFILE"));
        log.ok("programs");
        assertEquals(List.of("warn maps", "warn maps", "info maps", "warn maps"), logged);
    }

    @Test
    void aProblemIsLoggedOncePerMessage() {
        log.problem("types", "too many");
        log.problem("types", "too many");
        log.ok("types");
        assertEquals(List.of("warn types", "info types"), logged);
    }
}
