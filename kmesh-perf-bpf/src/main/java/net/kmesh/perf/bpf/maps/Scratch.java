package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;

/** Native memory reused by the counting walks of one collector, grown on demand and freed on close. */
final class Scratch implements AutoCloseable {
    private Memory memory;

    /** At least {@code bytes} of native memory, valid until the next call or {@link #close()}. */
    Memory atLeast(long bytes) {
        if (memory == null || memory.size() < bytes) {
            long size = Math.max(bytes, memory == null ? 4096 : memory.size() * 2);
            close();
            memory = new Memory(size);
        }
        return memory;
    }

    @Override
    public void close() {
        if (memory != null) {
            memory.close();
            memory = null;
        }
    }
}
