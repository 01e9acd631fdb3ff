package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.LibbpfUnavailableException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoaderAccess;
import org.junit.jupiter.api.Test;

/** Every failure a user can hit says what is wrong and what to do, in one line. */
class ErrorMessagesTest {

    @Test
    void aMissingLibbpfNamesThePackageToInstall() {
        LibbpfUnavailableException e = LibbpfLoaderAccess.load("libbpf-kmesh-perf-absent.so.1");
        assertTrue(e.getMessage().startsWith("libbpf (libbpf-kmesh-perf-absent.so.1) cannot be loaded"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libbpf1"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aKernelWithoutRingBuffersIsNamed() {
        RuntimeException e = MonitorParts.ringBufferProbeFailure(Errno.EINVAL, "4.19.0");
        assertTrue(e instanceof KernelFeatureException);
        assertEquals("the kernel 4.19.0 has no BPF ring buffers (BPF_MAP_TYPE_RINGBUF, Linux >= 5.8): "
                + "kmesh-perf cannot read operation records on it", e.getMessage());
        assertTrue(MonitorParts.ringBufferProbeFailure(Errno.EPERM, "6.1") instanceof PrivilegeException);
        assertTrue(MonitorParts.ringBufferProbeFailure(Errno.ENOSYS, "6.1").getMessage().contains("CONFIG_BPF_SYSCALL"));
    }
}
