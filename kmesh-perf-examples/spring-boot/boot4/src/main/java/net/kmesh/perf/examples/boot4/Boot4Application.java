package net.kmesh.perf.examples.boot4;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application that knows nothing of kmesh-perf: the auto-configuration in kmesh-perf-micrometer
 * adds the data plane's metrics to /actuator/prometheus and the component kmeshPerf to
 * /actuator/health, configured in application.properties.
 */
@SpringBootApplication
public class Boot4Application {
    public static void main(String[] args) {
        SpringApplication.run(Boot4Application.class, args);
    }
}
