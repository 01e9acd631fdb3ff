/**
 * {@link net.kmesh.perf.micrometer.KmeshPerfMetrics}: a Micrometer {@code MeterBinder} that publishes
 * a {@link net.kmesh.perf.PerfMonitor} (operation durations, the monitor's status, eBPF map and
 * program statistics, the daemon's usage) in kmesh-perf's names or Kmesh's own
 * ({@link net.kmesh.perf.micrometer.MetricNaming}), without any work per record.
 */
package net.kmesh.perf.micrometer;
