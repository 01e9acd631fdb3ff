/**
 * JMH benchmarks of kmesh-perf. Every figure reported from them is a ratio of two benchmarks
 * measured side by side in one run: the machines they run on are shared and noisy.
 */
package net.kmesh.perf.benchmarks;
