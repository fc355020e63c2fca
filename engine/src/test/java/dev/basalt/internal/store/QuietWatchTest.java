package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link QuietWatch}: when a namespace whose relayout was dropped may try again, on times the test gives. */
class QuietWatchTest {
    private static final long PERIOD = QuietWatch.PERIOD_NANOS;
    private static final long SIZE = 640_000; // quiet: fewer than 10,000 inserts in a period

    @Test
    void notWatchingAllowsAtOnce() {
        QuietWatch watch = new QuietWatch();
        assertThat(watch.allows(5_000_000, SIZE, 0)).isTrue();
        assertThat(watch.watching()).isFalse();
    }

    @Test
    void aWatchAllowsNothingBeforeAWholePeriod() {
        QuietWatch watch = new QuietWatch();
        watch.start(100, 1_000);
        assertThat(watch.allows(100, SIZE, 1_000 + PERIOD - 1)).isFalse();
        assertThat(watch.watching()).isTrue();
    }

    @Test
    void aPeriodWithFewInsertsEndsTheWatch() {
        QuietWatch watch = new QuietWatch();
        watch.start(100, 0);
        assertThat(watch.allows(100 + 9_999, SIZE, PERIOD)).isTrue();
        assertThat(watch.watching()).isFalse();
    }

    @Test
    void aBusyPeriodStartsTheNextOneFromItsEnd() {
        QuietWatch watch = new QuietWatch();
        watch.start(0, 0);
        assertThat(watch.allows(10_000, SIZE, PERIOD)).as("a load still inserting").isFalse();
        assertThat(watch.allows(15_000, SIZE, PERIOD + PERIOD / 2)).as("half a period later").isFalse();
        assertThat(watch.allows(19_999, SIZE, 2 * PERIOD)).as("9,999 inserts in the second period").isTrue();
    }

    @Test
    void insertsSinceStartCountAcrossPeriods() {
        QuietWatch watch = new QuietWatch();
        watch.start(1_000, 0);
        assertThat(watch.allows(21_000, SIZE, PERIOD)).isFalse();
        assertThat(watch.insertsSinceStart(41_000)).isEqualTo(40_000);
    }

    @Test
    void stopEndsTheWatch() {
        QuietWatch watch = new QuietWatch();
        watch.start(0, 0);
        watch.stop();
        assertThat(watch.allows(1_000_000, SIZE, 1)).isTrue();
    }
}
