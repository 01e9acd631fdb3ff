package net.kmesh.perf.bpf.probe;

/**
 * The probe's two counters at one moment: records the kernel dropped because the ring was full,
 * and ends that found no start. Sums saturate at {@link Long#MAX_VALUE} rather than wrap.
 *
 * @param dropped          records dropped in the kernel
 * @param endsWithoutStart ends of an operation whose start was not found
 */
record ProbeCounts(long dropped, long endsWithoutStart) {
    static final ProbeCounts ZERO = new ProbeCounts(0, 0);

    /** Both counters added, each saturating. */
    ProbeCounts plus(ProbeCounts other) {
        return new ProbeCounts(plus(dropped, other.dropped), plus(endsWithoutStart, other.endsWithoutStart));
    }

    /** {@code a + b} for counts that are never negative, held at {@link Long#MAX_VALUE} instead of wrapping. */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
