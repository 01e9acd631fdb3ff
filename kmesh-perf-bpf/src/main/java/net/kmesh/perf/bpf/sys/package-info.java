/**
 * Files the kernel exposes about this process that more than one part reads, below the libbpf
 * binding: the mount table (where the bpffs, tracefs and cgroup hierarchies are).
 */
package net.kmesh.perf.bpf.sys;
