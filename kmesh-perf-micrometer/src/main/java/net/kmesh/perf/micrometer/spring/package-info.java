/**
 * Spring Boot 3.5 and 4.0 auto-configuration of kmesh-perf: with {@code kmesh-perf-micrometer} and
 * {@code kmesh-perf-bpf} on the class path of an application that has the actuator, the data plane's
 * metrics reach every Micrometer registry and its state is the health component {@code kmeshPerf},
 * configured by the {@code kmesh.perf.*} properties ({@link net.kmesh.perf.micrometer.spring.KmeshPerfProperties}).
 */
package net.kmesh.perf.micrometer.spring;
