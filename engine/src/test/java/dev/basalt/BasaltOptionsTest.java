package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BasaltOptionsTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** Largest key 512 + largest metadata 1024 + header allowance 64. */
    private static final long RECORD_OVERHEAD = 1712;

    @Test
    void defaultsAreThoseOfApiMd() {
        BasaltOptions defaults = BasaltOptions.defaults();
        assertThat(defaults.clock()).isEqualTo(Clock.systemUTC());
        assertThat(defaults.minExpirationTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.durability()).isEqualTo(Durability.GROUP_COMMIT);
        assertThat(defaults.segmentSizeBytes()).isEqualTo(64 * MIB);
        assertThat(defaults.maxValueSizeBytes()).isEqualTo(26_214_400L);
        assertThat(defaults.backgroundCompaction()).isTrue();
        assertThat(defaults.periodicSyncInterval()).isEqualTo(Duration.ofSeconds(1));
        defaults.validate();
    }

    @Test
    void withMethodsReturnNewOptionsAndLeaveTheOriginalUnchanged() {
        Clock fixed = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        BasaltOptions changed = BasaltOptions.defaults()
                .withClock(fixed)
                .withMinExpirationTtl(Duration.ZERO)
                .withDurability(Durability.PERIODIC)
                .withSegmentSize(8 * MIB)
                .withMaxValueSize(MIB)
                .withBackgroundCompaction(false)
                .withPeriodicSyncInterval(Duration.ofMillis(200));
        assertThat(changed.clock()).isSameAs(fixed);
        assertThat(changed.minExpirationTtl()).isEqualTo(Duration.ZERO);
        assertThat(changed.durability()).isEqualTo(Durability.PERIODIC);
        assertThat(changed.segmentSizeBytes()).isEqualTo(8 * MIB);
        assertThat(changed.maxValueSizeBytes()).isEqualTo(MIB);
        assertThat(changed.backgroundCompaction()).isFalse();
        assertThat(changed.periodicSyncInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(BasaltOptions.defaults().durability()).isEqualTo(Durability.GROUP_COMMIT);
        assertThat(BasaltOptions.defaults().segmentSizeBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void theCheckpointIntervalDefaultsTo64MibAndRefusesANegativeFigure() {
        assertThat(BasaltOptions.defaults().checkpointIntervalBytes()).isEqualTo(64 * MIB);
        assertThat(BasaltOptions.defaults().withCheckpointInterval(0).checkpointIntervalBytes()).isZero();
        assertThat(BasaltOptions.defaults().withCheckpointInterval(GIB).withDurability(Durability.PERIODIC)
                .checkpointIntervalBytes()).as("kept by the other with-methods").isEqualTo(GIB);
        assertThatThrownBy(() -> BasaltOptions.defaults().withCheckpointInterval(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint interval is -1 bytes of log; it must be 0 (only at close) or more");
    }

    @Test
    void segmentSizeBoundsAreInclusive() {
        assertThat(BasaltOptions.defaults().withSegmentSize(MIB).segmentSizeBytes()).isEqualTo(MIB);
        assertThat(BasaltOptions.defaults().withSegmentSize(GIB).segmentSizeBytes()).isEqualTo(GIB);
        assertThatThrownBy(() -> BasaltOptions.defaults().withSegmentSize(512))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment size is 512 bytes; it must be 1048576..1073741824");
        assertThatThrownBy(() -> BasaltOptions.defaults().withSegmentSize(MIB - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment size is 1048575 bytes; it must be 1048576..1073741824");
        assertThatThrownBy(() -> BasaltOptions.defaults().withSegmentSize(GIB + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment size is 1073741825 bytes; it must be 1048576..1073741824");
    }

    @Test
    void minExpirationTtlMayBeZeroButNotNegative() {
        assertThat(BasaltOptions.defaults().withMinExpirationTtl(Duration.ZERO).minExpirationTtlSeconds())
                .isZero();
        assertThatThrownBy(() -> BasaltOptions.defaults().withMinExpirationTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minExpirationTtl is PT-1S; it must be 0 or more");
    }

    @Test
    void minExpirationTtlSecondsRoundsAFractionUp() {
        assertThat(BasaltOptions.defaults().minExpirationTtlSeconds()).isEqualTo(60);
        assertThat(BasaltOptions.defaults().withMinExpirationTtl(Duration.ofMillis(1500))
                .minExpirationTtlSeconds()).isEqualTo(2);
        assertThat(BasaltOptions.defaults().withMinExpirationTtl(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))
                .minExpirationTtlSeconds()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void periodicSyncIntervalMustBePositive() {
        assertThat(BasaltOptions.defaults().withPeriodicSyncInterval(Duration.ofNanos(1))
                .periodicSyncInterval()).isEqualTo(Duration.ofNanos(1));
        assertThatThrownBy(() -> BasaltOptions.defaults().withPeriodicSyncInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("periodic sync interval is PT0S; it must be more than 0");
        assertThatThrownBy(() -> BasaltOptions.defaults().withPeriodicSyncInterval(Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("periodic sync interval is PT-2S; it must be more than 0");
    }

    @Test
    void nullArgumentsAreNullPointerExceptions() {
        BasaltOptions defaults = BasaltOptions.defaults();
        assertThatThrownBy(() -> defaults.withClock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> defaults.withDurability(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> defaults.withMinExpirationTtl(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> defaults.withPeriodicSyncInterval(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void maxValueSizeMayBeZeroButNotNegative() {
        BasaltOptions zero = BasaltOptions.defaults().withMaxValueSize(0);
        assertThat(zero.maxValueSizeBytes()).isZero();
        zero.validate();
        assertThatThrownBy(() -> BasaltOptions.defaults().withMaxValueSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max value size is -1 bytes; it must be 0 or more");
    }

    @Test
    void aSetMaxValueSizeMustFitOneSegmentWithTheLargestKeyMetadataAndHeader() {
        BasaltOptions exactFit = BasaltOptions.defaults().withSegmentSize(MIB).withMaxValueSize(MIB - RECORD_OVERHEAD);
        exactFit.validate();
        BasaltOptions oneTooMany = exactFit.withMaxValueSize(MIB - RECORD_OVERHEAD + 1);
        assertThatThrownBy(oneTooMany::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max value size is 1046865 bytes")
                .hasMessageContaining("segment size of 1048576 bytes")
                .hasMessageContaining("at most 1046864");
    }

    @Test
    void explicitDefaultSizeWithASmallSegmentFailsAtValidate() {
        BasaltOptions options = BasaltOptions.defaults().withSegmentSize(MIB).withMaxValueSize(25 * MIB);
        assertThatThrownBy(options::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("26214400")
                .hasMessageContaining("1048576");
    }

    @Test
    void anUnsetMaxValueSizeShrinksToFitASmallSegment() {
        BasaltOptions small = BasaltOptions.defaults().withSegmentSize(MIB);
        assertThat(small.maxValueSizeBytes()).isEqualTo(MIB - RECORD_OVERHEAD);
        small.validate();
        BasaltOptions exactlyEnough = BasaltOptions.defaults().withSegmentSize(25 * MIB + RECORD_OVERHEAD);
        assertThat(exactlyEnough.maxValueSizeBytes()).isEqualTo(25 * MIB);
        assertThat(BasaltOptions.defaults().withSegmentSize(GIB).maxValueSizeBytes()).isEqualTo(25 * MIB);
    }

    @Test
    void toStringListsEverySetting() {
        String text = BasaltOptions.defaults().withDurability(Durability.SYNC_EACH_WRITE).toString();
        assertThat(text).contains("clock=", "minExpirationTtl=PT1M", "durability=SYNC_EACH_WRITE",
                "segmentSizeBytes=67108864", "maxValueSizeBytes=26214400", "backgroundCompaction=true",
                "periodicSyncInterval=PT1S");
    }
}
