package dev.basalt.benchmarks;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latency histograms of the benchmark programs ({@link ExpiryBurst},
 * {@link CompactionLatency}): HdrHistogram's {@link Histogram} at 3 significant digits (a
 * reported percentile is within 0.1 % of the true value) over 1 ns to 10 minutes, sized once
 * at creation (about 0.5 MiB), so recording never allocates or resizes under the reads it
 * times.
 *
 * <p>Not thread-safe, as {@link Histogram} is not: one thread records; another reads it only
 * after a happens-before edge (for example {@code Thread.join()}).
 */
final class Latencies {
    /** The largest latency kept apart; a longer one (a stalled machine) is counted as this. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(10);
    static final int SIGNIFICANT_DIGITS = 3;

    private Latencies() {
    }

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Counts one latency: a negative one (a clock oddity) as 0 and one over
     * {@link #HIGHEST_TRACKABLE_NS} as that, where {@link Histogram#recordValue} would throw.
     */
    static void record(Histogram histogram, long valueNs) {
        histogram.recordValue(Math.min(Math.max(0, valueNs), HIGHEST_TRACKABLE_NS));
    }
}
