package dev.basalt.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.BasaltInternals;
import dev.basalt.BasaltOptions;
import dev.basalt.PutOptions;
import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import dev.basalt.internal.store.Store;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Clock jumps: forwards, everything up to the new second falls due at once and is purged in
 * bounded batches with writes between them; backwards, nothing new falls due and nothing that
 * was purged comes back.
 */
class ExpiryClockJumpTest extends ExpiryTestBase {
    private static final int EXPIRING_KEYS = 10_000;
    private static final int FOREVER_KEYS = 10;
    private static final int BATCH_SIZE = 100;
    /** Every this many batches, one still-unpurged expired key is put again, without TTL. */
    private static final int REVIVE_EVERY_BATCHES = 10;
    private static final long TTL_SECONDS = 60;
    private static final long JUMP_SECONDS = 3600;

    @Override
    BasaltOptions options() {
        // An idle pace of an hour keeps the agent mostly out of the way (its first sweep at
        // open finds nothing due), so this test's own loop usually sees the batches; the
        // assertions hold whoever sweeps.
        return super.options().withExpiryBatchSize(BATCH_SIZE).withExpiryPace(Duration.ofHours(1));
    }

    private static String expiringKey(int i) {
        return String.format("ttl-%05d", i);
    }

    @Test
    void aForwardJumpOverTenThousandKeysPurgesThemAllInBatchesAndWritesBetweenBatchesSurvive() {
        for (int i = 0; i < FOREVER_KEYS; i++) {
            ns.put("forever-" + i, "f" + i);
        }
        for (int i = 0; i < EXPIRING_KEYS; i++) {
            ns.put(expiringKey(i), "v" + i, PutOptions.expirationTtl(TTL_SECONDS));
        }
        assertThat(stats().liveKeys()).isEqualTo(FOREVER_KEYS + EXPIRING_KEYS);

        clock.advanceSeconds(JUMP_SECONDS);
        long now = now();
        Store store = BasaltInternals.store(db);
        int batches = 0;
        int revived = 0;
        for (int handled = store.expiry().sweep(now, BATCH_SIZE); handled > 0;
                handled = store.expiry().sweep(now, BATCH_SIZE)) {
            assertThat(handled).as("entries in batch " + batches).isBetween(1, BATCH_SIZE);
            // Writes between batches: a new key without TTL, a new key with a TTL that is not
            // due yet, and now and then a re-put of an expired key the sweep reaches last
            // (oldest writes come out first, so the highest-numbered keys are still queued).
            ns.put("between-" + batches, "b" + batches);
            ns.put("between-ttl-" + batches, "t" + batches, PutOptions.expirationTtl(TTL_SECONDS));
            if (batches % REVIVE_EVERY_BATCHES == 0) {
                ns.put(expiringKey(EXPIRING_KEYS - 1 - revived), "revived");
                revived++;
            }
            batches++;
        }

        // Every write between batches survived; every other expired key is gone.
        for (int b = 0; b < batches; b++) {
            assertThat(ns.get("between-" + b)).isEqualTo("b" + b);
            assertThat(ns.get("between-ttl-" + b)).isEqualTo("t" + b);
        }
        for (int i = 0; i < EXPIRING_KEYS; i++) {
            boolean wasRevived = i >= EXPIRING_KEYS - revived;
            assertThat(ns.get(expiringKey(i))).as(expiringKey(i)).isEqualTo(wasRevived ? "revived" : null);
        }
        for (int i = 0; i < FOREVER_KEYS; i++) {
            assertThat(ns.get("forever-" + i)).isEqualTo("f" + i);
        }
        assertThat(batches).as("batches this test's loop ran").isPositive();
        assertThat(stats().liveKeys()).isEqualTo(FOREVER_KEYS + 2L * batches + revived);
        // A revived key was purged by the agent before its re-put, or its entry went stale.
        assertThat(stats().expiredAndPurged()).isBetween((long) EXPIRING_KEYS - revived, (long) EXPIRING_KEYS);

        // The writes with a TTL made between batches come due in their turn.
        long purgedBefore = stats().expiredAndPurged();
        clock.advanceSeconds(TTL_SECONDS);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(purgedBefore + batches);
        assertThat(stats().liveKeys()).isEqualTo(FOREVER_KEYS + (long) batches + revived);
    }

    /**
     * A sweep handed 50,000 due keys in one call holds the append lock for a few dozen purges at a
     * time: a put made while it runs returns before the sweep is done, not after it. The sweep
     * waits before its last hundred purges until the test has read the count, so that a test
     * thread the machine leaves unscheduled meanwhile cannot see the sweep done; a put still
     * waiting then keeps the sweep waiting in vain, which fails the test.
     */
    @Test
    void aPutGetsThroughWhileOneLongSweepPurges() throws Exception {
        int keys = 50_000;
        for (int i = 0; i < keys; i++) {
            ns.put("long-" + i, "v", PutOptions.expirationTtl(TTL_SECONDS));
        }
        clock.advanceSeconds(JUMP_SECONDS);
        long now = now();
        Store store = BasaltInternals.store(db);
        CountDownLatch countRead = new CountDownLatch(1);
        AtomicInteger sweptPurges = new AtomicInteger();
        AtomicBoolean waitedInVain = new AtomicBoolean();
        Thread sweeper = new Thread(() -> store.expiry().sweep(now, keys), "long-sweep");
        long purgedWhenThePutReturned;
        AutoCloseable holdNearTheEnd = CrashPoints.observe(point -> {
            if (point == CrashPoint.EXPIRY_PURGED && Thread.currentThread() == sweeper
                    && sweptPurges.incrementAndGet() == keys - 100) {
                waitedInVain.set(!awaitQuietly(countRead));
            }
        });
        try {
            sweeper.start();
            while (stats().expiredAndPurged() == 0 && sweeper.isAlive()) {
                Thread.onSpinWait();
            }

            ns.put("writer", "w");
            purgedWhenThePutReturned = stats().expiredAndPurged();
            countRead.countDown();
            sweeper.join();
        } finally {
            holdNearTheEnd.close();
        }

        assertThat(waitedInVain).as("the put returned before the sweep's last hundred purges").isFalse();
        assertThat(purgedWhenThePutReturned).as("keys purged when the put returned").isLessThan(keys);
        assertThat(stats().expiredAndPurged()).isEqualTo(keys);
        assertThat(ns.get("writer")).isEqualTo("w");
        assertThat(stats().liveKeys()).isEqualTo(1);
    }

    @Test
    void aBackwardJumpResurrectsNothingAndPurgesNothingNew() {
        int early = 50;
        int late = 30;
        for (int i = 0; i < early; i++) {
            ns.put("early-" + i, "e", PutOptions.expiration(start + 10));
        }
        for (int i = 0; i < late; i++) {
            ns.put("late-" + i, "l", PutOptions.expiration(start + 1000));
        }
        ns.put("forever", "f");

        clock.setEpochSecond(start + 100);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(early);
        assertThat(stats().liveKeys()).isEqualTo(late + 1L);

        clock.setEpochSecond(start + 5); // back before the early keys' second
        // Put after the jump back, due after the highest second the clock has shown, so that
        // not even an agent still holding that "now" may purge it.
        ns.put("after", "a", PutOptions.expiration(start + 2000));
        sweepAllDue();
        for (int i = 0; i < early; i++) {
            assertThat(ns.get("early-" + i)).as("purged early-" + i + " after the jump back").isNull();
            assertThat(hotRead(ns, "early-" + i)).isNull();
        }
        for (int i = 0; i < late; i++) {
            assertThat(ns.get("late-" + i)).isEqualTo("l");
        }
        assertThat(ns.get("after")).isEqualTo("a");
        assertThat(ns.get("forever")).isEqualTo("f");
        assertThat(stats().expiredAndPurged()).as("nothing new purged").isEqualTo(early);
        assertThat(stats().liveKeys()).isEqualTo(late + 2L);

        // Forwards again: the late keys fall due at their own second, not before.
        clock.setEpochSecond(start + 999);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(early);
        clock.setEpochSecond(start + 1000);
        sweepAllDue();
        assertThat(stats().expiredAndPurged()).isEqualTo(early + late);
        assertThat(ns.get("late-0")).isNull();
        assertThat(ns.get("after")).isEqualTo("a");
        assertThat(stats().liveKeys()).isEqualTo(2);
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
