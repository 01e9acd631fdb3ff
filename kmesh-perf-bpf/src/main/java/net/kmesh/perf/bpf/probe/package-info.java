/**
 * The probe's maps in a data plane ({@code bpf/include/kmesh_perf.h}: the ring, its counters, the
 * mode map, the in-kernel histograms, the start map), found from a record source
 * ({@link net.kmesh.perf.bpf.probe.ProbeLocator}), held as one incarnation
 * ({@link net.kmesh.perf.bpf.probe.Probe}) and followed across the data plane's restarts
 * ({@link net.kmesh.perf.bpf.probe.SourceFollower}), every total kept over the incarnations
 * ({@link net.kmesh.perf.bpf.probe.Incarnations}, whose counter totals {@code CounterTotals} keeps
 * and whose stale starts {@code StartSweeper} sweeps).
 * The layouts are {@link net.kmesh.perf.bpf.layout.ProbeLayout}'s, in a package below this one.
 */
package net.kmesh.perf.bpf.probe;
