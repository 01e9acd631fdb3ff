package net.kmesh.perf.bpf.libbpf;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resources acquired in order and released in reverse: by {@link #close()}, or by a constructor
 * that fails half way. Exceptions during release are collected, not thrown past each other.
 */
public final class Resources implements AutoCloseable {
    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    /** Registers {@code resource} for release and returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        stack.push(resource);
        return resource;
    }

    /** Releases everything, last acquired first. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        while (true) {
            AutoCloseable r;
            synchronized (this) {
                r = stack.poll();
            }
            if (r == null) {
                break;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("releasing " + r + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
