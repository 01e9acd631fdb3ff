/**
 * Reading a BPF ring buffer from Java without a native call per record: the map's pages are mapped
 * ({@link net.kmesh.perf.bpf.ringbuf.RingBuffer}) and either consumed in place
 * ({@link net.kmesh.perf.bpf.ringbuf.RingReader}) or observed without consuming
 * ({@link net.kmesh.perf.bpf.ringbuf.RingObserver}), by the one consumer thread
 * ({@link net.kmesh.perf.bpf.ringbuf.RingConsumer}) that waits in epoll
 * ({@link net.kmesh.perf.bpf.ringbuf.Poller}). Every reader walks the one layout {@code RingLayout}
 * describes; those the producer may overtake build on the validated copy of {@code ValidatedWalk}.
 */
package net.kmesh.perf.bpf.ringbuf;
