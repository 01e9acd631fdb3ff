package net.kmesh.perf.bpf.samples;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import net.kmesh.perf.OperationType;

/**
 * Which bundled sample programs to attach, given to {@code BpfPerfMonitor.open(config, options)}
 * with a {@link net.kmesh.perf.RecordSource.Samples} source. The {@code SEC("syscall")} producer
 * needs no attachment and is always available through {@code monitor.unwrap(SampleWorkload.class)}.
 *
 * @param connectCgroup  a cgroup v2 directory to attach the {@code cgroup/connect4} sample to: every
 *                       connect() of a process in it is timed as SOCK_TRAFFIC_CONTROL
 * @param spanSyscall    a syscall number timed from entry to exit by two programs through
 *                       {@code kmesh_perf_map} (the seed's design); which process and thread is set by
 *                       {@link SampleWorkload#traceSyscalls(long, long)}
 * @param spanAttachment how the spanning sample attaches
 */
public record SampleOptions(Optional<Path> connectCgroup, OptionalInt spanSyscall, SpanAttachment spanAttachment) {

    /** Operation type code of the spanning sample. */
    public static final OperationType SYSCALL_SPAN = new OperationType(16, "SYSCALL_SPAN");

    public SampleOptions {
        Objects.requireNonNull(connectCgroup, "connectCgroup");
        Objects.requireNonNull(spanSyscall, "spanSyscall");
        Objects.requireNonNull(spanAttachment, "spanAttachment");
        if (spanSyscall.isPresent() && spanSyscall.getAsInt() < 0) {
            throw new IllegalArgumentException("spanSyscall must be a syscall number, got " + spanSyscall.getAsInt());
        }
    }

    /** Nothing attached. */
    public static SampleOptions none() {
        return new SampleOptions(Optional.empty(), OptionalInt.empty(), SpanAttachment.AUTO);
    }

    public SampleOptions withConnectCgroup(Path cgroup) {
        return new SampleOptions(Optional.of(cgroup), spanSyscall, spanAttachment);
    }

    public SampleOptions withSpanSyscall(int syscallNumber) {
        return new SampleOptions(connectCgroup, OptionalInt.of(syscallNumber), spanAttachment);
    }

    public SampleOptions withSpanAttachment(SpanAttachment attachment) {
        return new SampleOptions(connectCgroup, spanSyscall, attachment);
    }

    /** How the spanning sample hooks syscall entry and exit. */
    public enum SpanAttachment {
        /** BTF-typed tracepoints where the kernel has them, raw tracepoints otherwise. */
        AUTO,
        /** BTF-typed tracepoints only ({@code tp_btf}). */
        TP_BTF,
        /** Raw tracepoints only ({@code raw_tp}), for kernels without BTF. */
        RAW_TP,
    }
}
