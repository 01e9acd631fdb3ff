/**
 * The bundled sample programs ({@code bpf/samples/kmesh_perf_samples.bpf.c}), loaded when a monitor
 * reads {@link net.kmesh.perf.RecordSource#samples()}: for demos, tests and benchmarks, never for a
 * real data plane. {@link net.kmesh.perf.bpf.samples.SampleWorkload}
 * ({@code monitor.unwrap(SampleWorkload.class)}) makes the kernel produce records;
 * {@link net.kmesh.perf.bpf.samples.SampleOptions} chooses which samples are attached.
 */
package net.kmesh.perf.bpf.samples;
