package dev.basalt.internal.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

/** The garbage rate follows the log's growth minus the live data's, on a clock the test moves. */
class GarbageRateTest {
    private long nowNs = 5_000;
    private long appended;
    private long live;
    private final NanoClock clock = () -> nowNs;

    @Test
    void overwritesAreGarbageAndNewKeysAreNot() {
        GarbageRate rate = new GarbageRate(() -> appended, () -> live, clock);
        // A second of new keys: the log and the live data grow alike.
        appended += 10_000_000;
        live += 10_000_000;
        nowNs += 1_000_000_000L;
        assertThat(rate.bytesPerSecond()).isZero();
        // Then seconds of overwrites: 15 MB/s appended, live unchanged.
        for (int second = 0; second < 10; second++) {
            appended += 15_000_000;
            nowNs += 1_000_000_000L;
            rate.bytesPerSecond();
        }
        assertThat(rate.bytesPerSecond()).isBetween(14_900_000L, 15_000_000L);
    }

    @Test
    void samplesCloserThanTheSpacingKeepTheEstimate() {
        GarbageRate rate = new GarbageRate(() -> appended, () -> live, clock);
        appended += 1_000_000;
        nowNs += GarbageRate.SAMPLE_SPACING_NS - 1;
        assertThat(rate.bytesPerSecond()).isZero();
        nowNs += 1;
        assertThat(rate.bytesPerSecond()).isPositive();
    }

    @Test
    void thePassRateIsTheConfiguredFloorOrWhatTheGarbageNeeds() {
        GarbageRate rate = new GarbageRate(() -> appended, () -> live, clock);
        long floor = 64L << 20;
        assertThat(rate.compactionBytesPerSecond(floor, 0.3)).isEqualTo(floor);
        for (int second = 0; second < 20; second++) {
            appended += 15_000_000;
            nowNs += 1_000_000_000L;
        rate.bytesPerSecond();
        }
        // 15 MB/s of garbage at a 0.3 threshold: 5.67 bytes of I/O per byte, twice over.
        assertThat(rate.compactionBytesPerSecond(floor, 0.3)).isBetween(165_000_000L, 175_000_000L);
        assertThat(rate.compactionBytesPerSecond(0, 0.3)).as("unpaced stays unpaced").isZero();
    }
}
