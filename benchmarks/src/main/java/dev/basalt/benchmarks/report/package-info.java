/**
 * The benchmark report: reads JMH JSON results ({@link dev.basalt.benchmarks.report.JmhJsonReader}),
 * groups them into one table per benchmark, mode, thread count and parameters with one row per store
 * ({@link dev.basalt.benchmarks.report.TableGrouping}), and writes a suite's section of
 * {@code docs/benchmarks.md} and an SVG chart per table
 * ({@link dev.basalt.benchmarks.report.BenchmarkReport}, the entry point).
 */
package dev.basalt.benchmarks.report;
