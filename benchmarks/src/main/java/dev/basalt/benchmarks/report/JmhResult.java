package dev.basalt.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One entry of a JMH JSON results file: one benchmark method in one mode, at one thread count
 * and one combination of parameters.
 *
 * @param benchmark the fully qualified method, such as {@code dev.basalt.benchmarks.ReadBenchmark.basaltRead}
 * @param mode JMH's short mode label: {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}
 * @param threads worker threads of the run
 * @param forks forks of the run
 * @param jvmArgs the fork JVM's arguments as JMH recorded them
 * @param vmName the fork JVM's name, such as {@code OpenJDK 64-Bit Server VM}
 * @param vmVersion the fork JVM's version string
 * @param params the JMH parameters in file order (values are strings in JMH's JSON)
 * @param primary the primary score
 * @param percentiles the primary metric's {@code scorePercentiles}, keyed as JMH writes them
 *     ({@code "50.0"}, {@code "99.0"}, {@code "99.9"}); for {@code sample} mode these are the latency
 *     percentiles over all samples
 * @param secondary the secondary metrics keyed by name, without the {@code "·"} prefix older JMH versions
 *     put on profiler results (so {@code gc.alloc.rate.norm} in every version)
 */
public record JmhResult(
        String benchmark,
        String mode,
        int threads,
        int forks,
        List<String> jvmArgs,
        String vmName,
        String vmVersion,
        Map<String, String> params,
        Metric primary,
        Map<String, Double> percentiles,
        Map<String, Metric> secondary) {

    /** The JMH parameter that names the store under test in the peer benchmarks. */
    public static final String STORE_PARAM = "store";

    /** The {@code -prof gc} metric of bytes allocated per operation. */
    public static final String ALLOCATION_PER_OP = "gc.alloc.rate.norm";

    /** Profiler results of {@code -prof gc}: {@code gc.alloc.rate}, {@code gc.count}, {@code gc.time}... */
    static final String GC_PROFILER_PREFIX = "gc.";

    /**
     * In {@code sample} mode JMH also reports each percentile as a secondary metric named
     * {@code p0.50}, {@code p0.99}...; the table takes them from {@link #percentiles} instead.
     */
    private static final String SAMPLE_PERCENTILE_NAME = "p\\d+\\.\\d+";

    /** The method name: the part after the last dot of {@link #benchmark}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** The simple class name: the part between the last two dots of {@link #benchmark}. */
    public String simpleClassName() {
        String qualifiedClass = benchmark.substring(0, Math.max(0, benchmark.lastIndexOf('.')));
        return qualifiedClass.substring(qualifiedClass.lastIndexOf('.') + 1);
    }

    /** {@code Class.method} without the package. */
    public String simpleName() {
        return simpleClassName() + "." + method();
    }

    /** The value of the {@value #STORE_PARAM} parameter, if the benchmark has one. */
    public Optional<String> store() {
        return Optional.ofNullable(params.get(STORE_PARAM));
    }

    /** Bytes allocated per operation, when the run used {@code -prof gc}. */
    public Optional<Metric> allocationBytesPerOp() {
        return Optional.ofNullable(secondary.get(ALLOCATION_PER_OP));
    }

    /** A primary-score percentile such as {@code "99.9"}, when JMH wrote it. */
    public OptionalDouble percentile(String key) {
        Double value = percentiles.get(key);
        return value == null || value.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /**
     * Whether a secondary metric is a counter of the benchmark's own ({@code @AuxCounters}), as
     * opposed to a {@code -prof gc} figure or one of {@code sample} mode's percentile copies.
     */
    public static boolean isAuxCounter(String secondaryName) {
        return !secondaryName.startsWith(GC_PROFILER_PREFIX) && !secondaryName.matches(SAMPLE_PERCENTILE_NAME);
    }
}
