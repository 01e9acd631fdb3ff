package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.kmesh.perf.bpf.btf.BpfElf;
import net.kmesh.perf.bpf.btf.BpfElf.Insn;
import net.kmesh.perf.bpf.probe.ProbeVariants.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kernels before 6.10 refuse {@code bpf_get_current_pid_tgid()} (helper 14) in xdp, tc, sock_ops
 * and cgroup_skb programs and reject the whole object. The compiled instructions show that the
 * probe never calls it there, and does where the task is known.
 */
class PidTgidCallSitesTest {
    private static final int BPF_FUNC_GET_CURRENT_PID_TGID = 14;

    static List<Program> programs() {
        return ProbeVariants.all().toList();
    }

    @ParameterizedTest
    @MethodSource("programs")
    void theHelperIsCalledExactlyWhereTheProgramTypeAllowsItOnEveryKernel(Program program) {
        List<Insn> insns = BpfElf.resource(program.object()).instructions(program.name());
        // Every call is to a helper: no subprogram escapes this check.
        assertTrue(insns.stream().filter(Insn::isCall).allMatch(i -> i.src() == 0), program + " calls a subprogram");
        boolean calls = insns.stream().anyMatch(i -> i.isHelperCall(BPF_FUNC_GET_CURRENT_PID_TGID));
        // A socket-keyed start alone reads no task; everything else writes a record or keys by thread.
        boolean readsTask = !(program.socketKeyed() && program.use() == ProbeVariants.Use.START_ONLY);
        assertEquals(program.kind().hasTask() && readsTask, calls, program + " (" + program.kind() + ")");
    }

    @Test
    void theTablesNameEveryProgramOfBothObjects() {
        assertEquals(names(ProbeVariants.THREAD), Set.copyOf(BpfElf.resource(ProbeVariants.THREAD_OBJECT).functions()));
        assertEquals(names(ProbeVariants.SOCKET), Set.copyOf(BpfElf.resource(ProbeVariants.SOCKET_OBJECT).functions()));
    }

    private static Set<String> names(List<Program> programs) {
        return programs.stream().map(Program::name).collect(Collectors.toSet());
    }
}
