/**
 * Operation records: decoded from the ring's bytes ({@link net.kmesh.perf.bpf.ops.RecordDecoder},
 * which knows Kmesh's 32-byte and the seed's 24-byte layouts), passed to listeners, and aggregated
 * into per-type duration histograms with bounded memory
 * ({@link net.kmesh.perf.bpf.ops.OperationAggregator}).
 */
package net.kmesh.perf.bpf.ops;
