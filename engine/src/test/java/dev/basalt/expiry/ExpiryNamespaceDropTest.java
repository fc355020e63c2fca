package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.basalt.KvNamespace;
import dev.basalt.PutOptions;
import org.junit.jupiter.api.Test;

/**
 * Dropping a namespace leaves its keys' entries in the timer queue, stale; sweeping them must
 * purge nothing, count nothing, throw nothing, and never touch a namespace created later
 * under the same name with keys of the same names.
 */
class ExpiryNamespaceDropTest extends ExpiryTestBase {
    private static final String DOOMED = "DOOMED";
    private static final long TTL_SECONDS = 10;
    private static final int DOOMED_EXPIRING = 50;
    private static final int DOOMED_FOREVER = 50;
    private static final int KEPT_EXPIRING = 20;
    private static final int KEPT_FOREVER = 5;

    @Test
    void droppingANamespaceWithTtlKeysThenSweepingPurgesOnlyTheOtherNamespace() {
        KvNamespace doomed = db.namespace(DOOMED);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            doomed.put("d-" + i, "old", PutOptions.expirationTtl(TTL_SECONDS));
        }
        for (int i = 0; i < DOOMED_FOREVER; i++) {
            doomed.put("forever-" + i, "old");
        }
        for (int i = 0; i < KEPT_EXPIRING; i++) {
            ns.put("d-" + i, "kept", PutOptions.expirationTtl(TTL_SECONDS));
        }
        for (int i = 0; i < KEPT_FOREVER; i++) {
            ns.put("forever-" + i, "kept");
        }
        assertThat(stats().liveKeys()).isEqualTo(DOOMED_EXPIRING + DOOMED_FOREVER + KEPT_EXPIRING + KEPT_FOREVER);

        assertThat(db.dropNamespace(DOOMED)).isTrue();
        assertThat(stats().liveKeys()).isEqualTo(KEPT_EXPIRING + KEPT_FOREVER);

        // A namespace of the same name with keys of the same names: no TTL, and a later TTL.
        KvNamespace reborn = db.namespace(DOOMED);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            reborn.put("d-" + i, "new", i % 2 == 0 ? PutOptions.none() : PutOptions.expirationTtl(10 * TTL_SECONDS));
        }

        clock.advanceSeconds(TTL_SECONDS);
        assertThatCode(this::sweepAllDue).doesNotThrowAnyException();
        assertThat(stats().expiredAndPurged()).as("only the kept namespace's TTL'd keys").isEqualTo(KEPT_EXPIRING);
        assertThat(stats().liveKeys()).isEqualTo(KEPT_FOREVER + DOOMED_EXPIRING);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            assertThat(reborn.get("d-" + i)).as("reborn d-" + i).isEqualTo("new");
            assertThat(hotRead(reborn, "d-" + i)).isEqualTo("new");
        }
        for (int i = 0; i < DOOMED_FOREVER; i++) {
            assertThat(reborn.get("forever-" + i)).isNull();
        }
        for (int i = 0; i < KEPT_EXPIRING; i++) {
            assertThat(ns.get("d-" + i)).isNull();
        }
        for (int i = 0; i < KEPT_FOREVER; i++) {
            assertThat(ns.get("forever-" + i)).isEqualTo("kept");
        }

        // The reborn namespace's own TTL'd keys come due in their turn.
        clock.advanceSeconds(10 * TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(KEPT_EXPIRING + DOOMED_EXPIRING / 2);
        assertThat(stats().liveKeys()).isEqualTo(KEPT_FOREVER + DOOMED_EXPIRING / 2);

        reopenReplayingTheLog();
        reborn = db.namespace(DOOMED);
        sweepAllDue();
        // The replay discards the dropped records; the expired records of both lives are purged again.
        assertThat(stats().expiredAndPurged()).isEqualTo(KEPT_EXPIRING + DOOMED_EXPIRING / 2);
        assertThat(stats().liveKeys()).isEqualTo(KEPT_FOREVER + DOOMED_EXPIRING / 2);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            assertThat(reborn.get("d-" + i)).as("reborn d-" + i + " after reopen").isEqualTo(i % 2 == 0 ? "new" : null);
        }
        for (int i = 0; i < DOOMED_FOREVER; i++) {
            assertThat(reborn.get("forever-" + i)).isNull();
        }
    }

    @Test
    void droppingANamespaceWhoseKeysAreDueButUnpurgedCountsNothing() {
        KvNamespace doomed = db.namespace(DOOMED);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            doomed.put("d-" + i, "old", PutOptions.expirationTtl(TTL_SECONDS));
        }
        long purgedBefore = stats().expiredAndPurged();
        assertThat(db.dropNamespace(DOOMED)).isTrue();
        clock.advanceSeconds(TTL_SECONDS);
        assertThatCode(this::sweepAllDue).doesNotThrowAnyException();
        assertThat(stats().expiredAndPurged()).isEqualTo(purgedBefore).isZero();
        assertThat(stats().liveKeys()).isZero();
        assertThat(stats().liveBytes()).isZero();
        assertThat(db.namespaces()).containsExactly(NAMESPACE);
    }

    @Test
    void droppingANamespaceAfterItsKeysWerePurgedKeepsTheCountersSane() {
        KvNamespace doomed = db.namespace(DOOMED);
        for (int i = 0; i < DOOMED_EXPIRING; i++) {
            doomed.put("d-" + i, "old", PutOptions.expirationTtl(TTL_SECONDS));
        }
        doomed.put("forever", "f");
        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(DOOMED_EXPIRING);
        assertThat(stats().liveKeys()).isEqualTo(1);

        assertThat(db.dropNamespace(DOOMED)).isTrue();
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(DOOMED_EXPIRING);
        assertThat(stats().liveKeys()).isZero();
        assertThat(stats().liveBytes()).isZero();
    }
}
