package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.BasaltOptions;
import dev.basalt.PutOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The timer queue does not grow without bound under a churn of re-puts with TTLs: every
 * overwrite leaves a stale entry behind, and the store drops them once they outnumber the
 * live ones (docs/expiry.md, "the anti-growth rule").
 *
 * <p>The queue's size is not visible through the public API or {@code Store}. A full sweep far
 * in the future takes every entry off the queue, and {@code sweepAllDue} returns how many it
 * handled, stale or not: with the agent held back by an hour's pace, that is the queue's size
 * (and it can only be smaller if the agent took some first), so it bounds the queue from above.
 */
class ExpiryQueueGrowthTest extends ExpiryTestBase {
    private static final int KEYS = 100;
    private static final int ROUNDS = 300;
    /**
     * Store.queueExpiry rebuilds the queue once it holds more than
     * {@code 2 * max(liveExpiringKeys, 4096)} entries, so with 100 live TTL'd keys it never holds
     * more than 8192. Without the rule, 30,000 re-puts would leave 30,000 entries.
     */
    private static final long MAX_QUEUE_ENTRIES = 2L * 4096;
    private static final long BASE_TTL_SECONDS = 3600;

    @Override
    BasaltOptions options() {
        return super.options().withExpiryPace(Duration.ofHours(1));
    }

    @Test
    void aChurnOfRePutsOfAHundredKeysKeepsTheQueueBounded() {
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < KEYS; k++) {
                ns.put("k" + k, "r" + round, PutOptions.expirationTtl(BASE_TTL_SECONDS + round));
            }
        }
        assertThat(stats().liveKeys()).isEqualTo(KEYS);
        assertThat(stats().expiredAndPurged()).isZero();

        clock.advanceSeconds(BASE_TTL_SECONDS + ROUNDS);
        long queued = sweepAllDue();
        assertThat(queued).as("entries left in the queue after %d re-puts", KEYS * ROUNDS)
                .isBetween(0L, MAX_QUEUE_ENTRIES);
        assertThat(stats().expiredAndPurged()).isEqualTo(KEYS);
        assertThat(stats().liveKeys()).isZero();
        assertThat(stats().liveBytes()).isZero();
    }

    @Test
    void aChurnOfPutsAndDeletesKeepsTheQueueBounded() {
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < KEYS; k++) {
                ns.put("k" + k, "r" + round, PutOptions.expirationTtl(BASE_TTL_SECONDS + round));
                if ((k + round) % 3 == 0) {
                    ns.delete("k" + k);
                }
            }
        }
        long live = 0;
        for (int k = 0; k < KEYS; k++) {
            live += (k + ROUNDS - 1) % 3 == 0 ? 0 : 1;
        }
        assertThat(stats().liveKeys()).isEqualTo(live);

        clock.advanceSeconds(BASE_TTL_SECONDS + ROUNDS);
        long queued = sweepAllDue();
        assertThat(queued).isBetween(0L, MAX_QUEUE_ENTRIES);
        assertThat(stats().expiredAndPurged()).isEqualTo(live);
        assertThat(stats().liveKeys()).isZero();
    }
}
