package net.kmesh.perf;

/** A listener's registration: closing it removes the listener. Idempotent, never throws. */
@FunctionalInterface
public interface ListenerRegistration extends AutoCloseable {
    /** Removes the listener; records are no longer passed to it once this returns. */
    @Override
    void close();
}
