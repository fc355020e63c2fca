package dev.basalt.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link CheckpointSchedule}'s rules, on a clock the test moves. */
class CheckpointScheduleTest {
    private static final long MIB = 1 << 20;
    private long now = TimeUnit.SECONDS.toNanos(1000);
    private final CheckpointSchedule schedule = new CheckpointSchedule(() -> now);

    @Test
    void theFirstIsDueOnceTheLogGrewByTheInterval() {
        assertThat(schedule.due(64 * MIB, 0, 64 * MIB - 1)).isFalse();
        assertThat(schedule.due(64 * MIB, 0, 64 * MIB)).isTrue();
    }

    @Test
    void theSpacingIsTheLargerOfTheIntervalAndTheLastCheckpointsSize() {
        schedule.written(64 * MIB);
        now += TimeUnit.SECONDS.toNanos(60);
        assertThat(schedule.due(64 * MIB, 100 * MIB, 64 * MIB + 99 * MIB)).isFalse();
        assertThat(schedule.due(64 * MIB, 100 * MIB, 64 * MIB + 100 * MIB)).isTrue();
    }

    @Test
    void aCompactionMakesOneDueButNotTwiceInASecond() {
        schedule.written(0);
        schedule.compactionRemovedSegments();
        now += TimeUnit.MILLISECONDS.toNanos(999);
        assertThat(schedule.due(64 * MIB, 0, 0)).isFalse();
        now += TimeUnit.MILLISECONDS.toNanos(1);
        assertThat(schedule.due(64 * MIB, 0, 0)).isTrue();
        schedule.written(0);
        assertThat(schedule.due(64 * MIB, 0, 0)).as("written: nothing behind any more").isFalse();
    }

    @Test
    void noneIsDueBeforeTheCostMultipleOfTheLastCheckpointPassed() {
        long whole = TimeUnit.MILLISECONDS.toNanos(270);
        schedule.written(0);
        now += whole;
        schedule.took(whole);
        schedule.compactionRemovedSegments();
        long grown = 1024 * MIB;
        now += CheckpointSchedule.COST_MULTIPLE * whole - whole - 1;
        assertThat(schedule.due(64 * MIB, 0, grown)).as("log grown, compaction behind, but too soon").isFalse();
        now += 1;
        assertThat(schedule.due(64 * MIB, 0, grown)).isTrue();
    }
}
