package net.kmesh.perf.bpf.samples;

/**
 * Drives the bundled sample programs: the way demos, tests and benchmarks make the kernel produce
 * records. Only a monitor reading {@link net.kmesh.perf.RecordSource.Samples} has one:
 * {@code monitor.unwrap(SampleWorkload.class)}.
 */
public interface SampleWorkload {

    /** How the producer times each operation. */
    enum Mode {
        /** No probe at all: the loop alone, the baseline of overhead measurements. */
        BASELINE,
        /** {@code KMESH_PERF_START}/{@code KMESH_PERF_END} through {@code kmesh_perf_map}, the seed's design. */
        SEED_MAP,
        /** {@code kmesh_perf_scope_begin}/{@code _end}: the start stays on the stack. */
        SCOPED,
        /** A record whose duration is made up, spread over {@code [n, 2n)} ns, for demos. */
        SYNTHETIC,
        /** Two clock reads and nothing else: the floor of any probe that times an operation. */
        CLOCK_READS,
        /** One lookup of the type's mode and nothing else: the reference for the cost of a type switched off. */
        ARRAY_LOOKUP,
    }

    /**
     * What one producer run did.
     *
     * @param emitted      records written to the ring buffer
     * @param dropped      records lost because the ring buffer was full
     * @param histogrammed operations counted in the in-kernel histogram (types in histogram mode)
     */
    record Result(long emitted, long dropped, long histogrammed) {
    }

    /**
     * Runs {@code count} operations of {@code operationType} in the kernel, in one
     * {@code BPF_PROG_TEST_RUN} of the {@code SEC("syscall")} producer.
     *
     * @param count         1 to 8,388,608 ({@code bpf_loop}'s limit)
     * @param syntheticNanos the base duration for {@link Mode#SYNTHETIC}, ignored otherwise
     */
    Result produce(long operationType, int count, Mode mode, long syntheticNanos);

    /**
     * Chooses whose syscalls the spanning sample times: a process and, optionally, one of its
     * threads (0 = all). Needs {@link SampleOptions#spanSyscall()}.
     */
    void traceSyscalls(long tgid, long tid);
}
