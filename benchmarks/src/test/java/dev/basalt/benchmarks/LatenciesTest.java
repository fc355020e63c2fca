package dev.basalt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesAreWithinATenthOfAPercent() {
        Histogram histogram = Latencies.newHistogram();
        for (long ns = 1; ns <= 100_000; ns++) {
            Latencies.record(histogram, ns * 10); // 10 ns .. 1 ms, evenly
        }

        assertThat(histogram.getTotalCount()).isEqualTo(100_000);
        assertThat((double) histogram.getValueAtPercentile(50)).isCloseTo(500_000, within(500.0));
        assertThat((double) histogram.getValueAtPercentile(99)).isCloseTo(990_000, within(990.0));
        assertThat((double) histogram.getValueAtPercentile(99.9)).isCloseTo(999_000, within(999.0));
        assertThat((double) histogram.getMaxValue()).isCloseTo(1_000_000, within(1_000.0));
    }

    @Test
    void aNegativeOrHugeLatencyIsClampedNotThrown() {
        Histogram histogram = Latencies.newHistogram();

        Latencies.record(histogram, -5);
        Latencies.record(histogram, Long.MAX_VALUE);

        assertThat(histogram.getTotalCount()).isEqualTo(2);
        assertThat(histogram.getMinValue()).isZero();
        assertThat(histogram.highestEquivalentValue(histogram.getMaxValue()))
                .isGreaterThanOrEqualTo(Latencies.HIGHEST_TRACKABLE_NS);
    }

    @Test
    void recordingNeverResizesTheHistogram() {
        Histogram histogram = Latencies.newHistogram();
        int footprint = histogram.getEstimatedFootprintInBytes();

        for (long ns = 1; ns < Latencies.HIGHEST_TRACKABLE_NS; ns *= 3) {
            Latencies.record(histogram, ns);
        }

        assertThat(histogram.getEstimatedFootprintInBytes()).isEqualTo(footprint);
    }
}
