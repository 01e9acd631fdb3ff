/**
 * eBPF map statistics: entries, capacity and memlock of every selected map, with entries counted
 * by the kernel's own counter through one pass of a map iterator ({@code iter/bpf_map} calling
 * {@code bpf_map_sum_elem_count}), by batch lookup or a key walk only where the kernel keeps no
 * counter, and by slot lookups for program arrays and arrays of maps. Memlock is read from fdinfo
 * once where it is fixed at creation; for hash maps without preallocation it follows the
 * iterator's count by a per-element amount learnt from fdinfo; other moving figures are read at
 * every scrape. Maps are selected by name, id, pin path, pin directory or Kmesh's exporter's rules;
 * what goes away is left out, never an error.
 * Start at {@link net.kmesh.perf.bpf.maps.MapStatsCollector}.
 */
package net.kmesh.perf.bpf.maps;
