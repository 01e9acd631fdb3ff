package net.kmesh.perf.micrometer;

/**
 * What every registry a binder is bound to publishes from: one snapshot cache, one choice of
 * series, one log of failures.
 */
record Publication(SnapshotCache snapshots, Series.Settings settings, StateLog log) {
}
