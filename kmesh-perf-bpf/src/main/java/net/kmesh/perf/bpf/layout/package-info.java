/**
 * What the probe writes and keeps, as Java reads it: the record layouts, the start map's keys and
 * values, the histogram value, the counter slots and the probe's map names. Below both the decoding
 * ({@code ops}) and the probe's maps ({@code probe}); checked against the C side's BTF by tests.
 */
package net.kmesh.perf.bpf.layout;
