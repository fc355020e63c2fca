package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.PutOptions;
import org.junit.jupiter.api.Test;

/**
 * The purge reclaims an expired key from the index on its own, without a read touching it, and
 * purges only the very record that expired: a newer put of the key (with a later expiration,
 * or none) survives its old entry coming due.
 *
 * <p>Counters are per open: {@code expiredAndPurged} starts at 0 after every reopen.
 */
class ExpiryPurgeTest extends ExpiryTestBase {
    private static final long TTL_SECONDS = 10;
    private static final long LONGER_TTL_SECONDS = 100;
    private static final long ONE_YEAR_SECONDS = 365L * 24 * 3600;

    @Test
    void purgeHappensWithoutAnyReadAndTheKeyStaysGoneAfterReopen() {
        ns.put("forever", "f");
        long foreverBytes = stats().liveBytes();
        ns.put("k", "v", PutOptions.expirationTtl(TTL_SECONDS));
        assertThat(stats().liveKeys()).isEqualTo(2);
        assertThat(stats().liveBytes()).isGreaterThan(foreverBytes);
        assertThat(stats().expiredAndPurged()).isZero();

        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue(); // no read of "k" anywhere before the stats below

        assertThat(stats().expiredAndPurged()).isEqualTo(1);
        assertThat(stats().liveKeys()).isEqualTo(1);
        assertThat(stats().liveBytes()).isEqualTo(foreverBytes);
        assertThat(ns.get("k")).isNull();

        reopenReplayingTheLog(); // the log still holds the expired record
        assertThat(ns.get("k")).isNull();
        assertThat(hotRead(ns, "k")).isNull();
        sweepAllDue();
        // The log still holds the expired record; the replay indexes it and the sweep purges it
        // again. (After a clean close the checkpoint carries the purge: see ExpiryReopenTest.)
        assertThat(stats().expiredAndPurged()).isEqualTo(1);
        assertThat(stats().liveKeys()).isEqualTo(1);
        assertThat(stats().liveBytes()).isEqualTo(foreverBytes);
        assertThat(ns.get("k")).isNull();
        assertThat(ns.get("forever")).isEqualTo("f");
    }

    @Test
    void aRePutWithALongerTtlSurvivesTheOldEntryComingDue() {
        ns.put("k", "old", PutOptions.expirationTtl(TTL_SECONDS));
        ns.put("k", "new", PutOptions.expirationTtl(LONGER_TTL_SECONDS));

        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isZero();
        assertThat(stats().liveKeys()).isEqualTo(1);
        assertThat(ns.get("k")).isEqualTo("new");

        clock.setEpochSecond(start + LONGER_TTL_SECONDS - 1);
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");

        clock.setEpochSecond(start + LONGER_TTL_SECONDS);
        sweepAllDue();
        assertThat(ns.get("k")).isNull();
        assertThat(stats().expiredAndPurged()).isEqualTo(1);
        assertThat(stats().liveKeys()).isZero();
    }

    @Test
    void aRePutWithAShorterTtlExpiresAtItsOwnSecond() {
        ns.put("k", "old", PutOptions.expirationTtl(LONGER_TTL_SECONDS));
        ns.put("k", "new", PutOptions.expirationTtl(TTL_SECONDS));
        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(ns.get("k")).isNull();
        assertThat(stats().expiredAndPurged()).isEqualTo(1);
        assertThat(stats().liveKeys()).isZero();

        // The older, longer entry comes due later and finds nothing to purge.
        clock.advanceSeconds(LONGER_TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(1);
        assertThat(ns.get("k")).isNull();
    }

    @Test
    void deleteThenRePutWithoutTtlSurvives() {
        ns.put("k", "old", PutOptions.expirationTtl(TTL_SECONDS));
        ns.delete("k");
        ns.put("k", "new");

        clock.advanceSeconds(ONE_YEAR_SECONDS);
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");
        assertThat(stats().expiredAndPurged()).isZero();
        assertThat(stats().liveKeys()).isEqualTo(1);

        reopen();
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");
        assertThat(stats().expiredAndPurged()).isZero();
        assertThat(stats().liveKeys()).isEqualTo(1);
    }

    @Test
    void aTtlPutOverwrittenByAPutWithoutTtlSurvives() {
        ns.put("k", "old", PutOptions.expirationTtl(TTL_SECONDS));
        ns.put("k", "new");

        clock.advanceSeconds(ONE_YEAR_SECONDS);
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");
        assertThat(hotRead(ns, "k")).isEqualTo("new");
        assertThat(stats().expiredAndPurged()).isZero();
        assertThat(stats().liveKeys()).isEqualTo(1);

        reopen();
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");
        assertThat(stats().expiredAndPurged()).isZero();
    }

    @Test
    void aDeletedTtlKeyIsNotCountedAsPurged() {
        ns.put("k", "v", PutOptions.expirationTtl(TTL_SECONDS));
        ns.delete("k");
        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isZero();
        assertThat(stats().liveKeys()).isZero();
        assertThat(stats().liveBytes()).isZero();
    }

    @Test
    void aRePutOfAnExpiredButUnpurgedKeyIsLiveAgain() {
        ns.put("k", "old", PutOptions.expirationTtl(TTL_SECONDS));
        clock.advanceSeconds(TTL_SECONDS);
        // Due now; the agent may or may not have purged it. Either way the re-put must win.
        ns.put("k", "new", PutOptions.expirationTtl(TTL_SECONDS));
        sweepAllDue();
        assertThat(ns.get("k")).isEqualTo("new");
        assertThat(stats().liveKeys()).isEqualTo(1);
        assertThat(stats().expiredAndPurged()).isBetween(0L, 1L);

        long purgedBefore = stats().expiredAndPurged(); // read before "new" is due
        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(ns.get("k")).isNull();
        assertThat(stats().liveKeys()).isZero();
        assertThat(stats().expiredAndPurged()).isEqualTo(purgedBefore + 1);
    }
}
