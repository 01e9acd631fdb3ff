/**
 * The service interface an implementation of {@link net.kmesh.perf.PerfMonitor} provides:
 * {@link net.kmesh.perf.spi.PerfMonitorProvider}. Applications do not use it; they call
 * {@link net.kmesh.perf.PerfMonitor#open(net.kmesh.perf.PerfMonitorConfig)}.
 */
package net.kmesh.perf.spi;
