/**
 * eBPF map statistics: entries, capacity and memlock of every selected map, with entries counted
 * by the kernel's own counter through one pass of a map iterator ({@code iter/bpf_map} calling
 * {@code bpf_map_sum_elem_count}), and by batch lookup or a key walk only where the kernel keeps
 * no counter. Start at {@link net.kmesh.perf.bpf.maps.MapStatsCollector}.
 */
package net.kmesh.perf.bpf.maps;
