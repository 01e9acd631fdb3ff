package net.kmesh.perf.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/** Makes the syscalls the samples observe, from the calling thread. */
public final class Syscalls {
    /** connect(2)'s number on this architecture. */
    public static final int CONNECT = System.getProperty("os.arch").contains("aarch64") ? 203 : 42;

    private Syscalls() {
    }

    /** The kernel's id of the calling thread. */
    public static int gettid() {
        return LibbpfLoader.natives().libc().gettid();
    }

    /** {@code n} UDP connect() calls to {@code target}, each from a new AF_INET socket. */
    public static void udpConnects(InetSocketAddress target, int n) {
        for (int i = 0; i < n; i++) {
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
                ch.connect(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
