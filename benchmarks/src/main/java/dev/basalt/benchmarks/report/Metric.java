package dev.basalt.benchmarks.report;

/**
 * One JMH score with its error and unit, as JMH writes it for a primary or secondary metric.
 *
 * @param score the mean over all iterations (JMH's {@code score})
 * @param error half the width of the 99.9 % confidence interval (JMH's {@code scoreError});
 *     {@link Double#NaN} when JMH could not compute one (a single iteration)
 * @param unit JMH's {@code scoreUnit}, such as {@code ns/op}, {@code ops/s}, {@code B/op} or {@code #}
 */
public record Metric(double score, double error, String unit) {

    /** Whether the error is a number, so that an error bar can be drawn. */
    public boolean hasError() {
        return Double.isFinite(error);
    }
}
