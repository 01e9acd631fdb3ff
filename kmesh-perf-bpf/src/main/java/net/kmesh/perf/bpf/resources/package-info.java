/**
 * The daemon's memory and CPU time from cgroup v2, cgroup v1 and {@code /proc}, with cAdvisor's
 * meanings for a cgroup's figures ({@link net.kmesh.perf.bpf.resources.DaemonUsageReader}), and
 * the {@code /proc} files they need (the mount table is {@code sys}'s). Every reader here tolerates files that
 * vanish or hold garbage: a value it cannot read is absent, with a note saying why.
 */
package net.kmesh.perf.bpf.resources;
