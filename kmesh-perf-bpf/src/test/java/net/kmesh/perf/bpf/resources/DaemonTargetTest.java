package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.kmesh.perf.DaemonTarget;

/** Validation of {@link DaemonTarget}: what the kernel can name is accepted, the rest refused with a reason. */
class DaemonTargetTest {

    @Property
    void everyPidLinuxCanAssignIsAccepted(@ForAll @LongRange(min = 1, max = DaemonTarget.MAX_PID) long pid) {
        assertEquals(new DaemonTarget.Pid(pid), DaemonTarget.pid(pid));
    }

    @Property
    void otherPidsAreRefusedNamingTheRange(@ForAll("badPids") long pid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonTarget.pid(pid));
        assertTrue(e.getMessage().contains("between 1 and " + DaemonTarget.MAX_PID), e.getMessage());
    }

    @Property
    void aNameIsAcceptedExactlyWhenTheKernelKeepsItWhole(@ForAll("names") String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= 1 && bytes <= DaemonTarget.MAX_NAME_BYTES) {
            assertEquals(name, ((DaemonTarget.ProcessName) DaemonTarget.processName(name)).name());
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonTarget.processName(name));
            assertTrue(e.getMessage().contains("process name"), e.getMessage());
        }
    }

    @Property
    void aTooLongNameSuggestsWhatTheKernelKeepsWithoutCuttingACharacter(@ForAll("longNames") String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonTarget.processName(name));
        String suggested = e.getMessage().substring(e.getMessage().lastIndexOf("use '") + 5, e.getMessage().length() - 1);
        assertTrue(name.startsWith(suggested), e.getMessage());
        int bytes = suggested.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= DaemonTarget.MAX_NAME_BYTES && bytes > DaemonTarget.MAX_NAME_BYTES - 4, e.getMessage());
    }

    @Example
    void namesWithNulOrNewlineAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DaemonTarget.processName("kmesh\n"));
        assertThrows(IllegalArgumentException.class, () -> DaemonTarget.processName("kmesh\0d"));
        assertThrows(NullPointerException.class, () -> DaemonTarget.processName(null));
    }

    @Example
    void aCgroupIsAnAbsolutePathKeptNormalized() {
        assertEquals(Path.of("/sys/fs/cgroup/kmesh"),
                ((DaemonTarget.Cgroup) DaemonTarget.cgroup(Path.of("/sys/fs/cgroup/x/../kmesh/"))).path());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonTarget.cgroup(Path.of("kmesh.slice")));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Example
    void descriptionsNameTheTarget() {
        assertEquals("this process", DaemonTarget.self().describe());
        assertEquals("pid 42", DaemonTarget.pid(42).describe());
        assertEquals("process named kmesh-daemon", DaemonTarget.processName("kmesh-daemon").describe());
        assertEquals("cgroup /sys/fs/cgroup/k", DaemonTarget.cgroup(Path.of("/sys/fs/cgroup/k")).describe());
    }

    @Provide
    Arbitrary<Long> badPids() {
        return Arbitraries.oneOf(Arbitraries.longs().lessOrEqual(0),
                Arbitraries.longs().greaterOrEqual(DaemonTarget.MAX_PID + 1));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("kmesh-daemon_. ()").ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u00a0', '\u07ff').ofMaxLength(10),
                Arbitraries.strings().withCharRange('\u0800', '\ud7ff').withCharRange('\ue000', '\uffff').ofMaxLength(7));
    }

    @Provide
    Arbitrary<String> longNames() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(16).ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u00a0', '\u07ff').ofMinLength(8).ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u4e00', '\u9fff').ofMinLength(6).ofMaxLength(12),
                Arbitraries.of("kmesh-\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80"));
    }
}
