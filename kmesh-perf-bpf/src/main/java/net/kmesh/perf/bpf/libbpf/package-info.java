/**
 * The native binding: {@link net.kmesh.perf.bpf.libbpf.Libbpf} and
 * {@link net.kmesh.perf.bpf.libbpf.LibC} (JNA interfaces, one method per C function, its prototype in
 * the Javadoc) and their direct-mapped twins for calls made once per map entry, loaded once per
 * process by {@link net.kmesh.perf.bpf.libbpf.LibbpfLoader}; and the small owners above them that
 * make it safe: {@link net.kmesh.perf.bpf.libbpf.Fd}, {@link net.kmesh.perf.bpf.libbpf.BpfObject},
 * {@link net.kmesh.perf.bpf.libbpf.BpfLink}, and the errno mapping of
 * {@link net.kmesh.perf.bpf.libbpf.Errno}. libbpf's log is routed to SLF4J
 * ({@link net.kmesh.perf.bpf.libbpf.LibbpfLog}), never to stderr.
 *
 * <p>JNA creates proxies of the interfaces and calls {@code LibbpfLog} back from native code, so on
 * the module path this package is open to {@code com.sun.jna}.
 */
package net.kmesh.perf.bpf.libbpf;
