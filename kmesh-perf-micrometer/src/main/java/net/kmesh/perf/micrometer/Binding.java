package net.kmesh.perf.micrometer;

/** What the binder registered in one registry; closing removes it. */
interface Binding {
    /** Removes everything this binding registered. Idempotent; never throws. */
    void close();
}
