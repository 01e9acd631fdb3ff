package net.kmesh.perf.micrometer;

// STAND-IN (helper-spring): the binder helper's MetricNaming replaces this file; the lead drops it when merging.
public enum MetricNaming {
    KMESH_PERF,
    UPSTREAM,
}
