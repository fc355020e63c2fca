package dev.basalt.internal.expiry;

import static dev.basalt.internal.expiry.ModelSweeper.NO_EXPIRATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ExpiryAgent} driven by hand: a manual wall clock for "now", a manual nano clock for
 * pace and gaps, and {@link ModelSweeper} as the store. No thread, no sleep, no timing.
 */
class ExpiryAgentTest {
    private static final long T = 1_700_000_000L;
    private static final int NS = 3;
    private static final long KEY = 0x1234_5678_9abc_def0L;
    private static final long PACE_NS = 100_000_000L;

    private final ManualClock clock = new ManualClock(T);
    private final CachedNanoClock nanoClock = new CachedNanoClock();
    private final ModelSweeper store = new ModelSweeper(new ExpiryQueue());

    @AfterEach
    void closeQueue() {
        store.close();
    }

    private ExpiryAgent agent(int batchSize) {
        return new ExpiryAgent(store, clock, nanoClock, batchSize, PACE_NS);
    }

    @Test
    void aRePutAtANewLocationSurvivesItsOldEntryComingDue() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        store.put(NS, KEY, T + 10);
        final long newer = store.put(NS, KEY, T + 100);

        clock.setEpochSeconds(T + 10);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(store.stale()).isEqualTo(1);
        assertThat(store.purged()).isZero();
        assertThat(store.locationOf(NS, KEY)).isEqualTo(newer);

        clock.setEpochSeconds(T + 100);
        nanoClock.advance(PACE_NS);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(store.purged()).isEqualTo(1);
        assertThat(store.locationOf(NS, KEY)).isNull();
    }

    @Test
    void aDeleteThenARePutWithoutExpirationSurvives() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        store.put(NS, KEY, T + 10);
        store.delete(NS, KEY);
        final long forever = store.put(NS, KEY, NO_EXPIRATION);

        clock.setEpochSeconds(T + 1_000_000);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(store.stale()).isEqualTo(1);
        assertThat(store.purged()).isZero();
        assertThat(store.locationOf(NS, KEY)).isEqualTo(forever);
        assertThat(store.queue.size()).isZero();
    }

    @Test
    void aKeyOfAnotherNamespaceWithTheSameHashIsNotTouched() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        store.put(NS, KEY, T + 10);
        final long other = store.put(NS + 1, KEY, NO_EXPIRATION);
        clock.setEpochSeconds(T + 10);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(store.locationOf(NS, KEY)).isNull();
        assertThat(store.locationOf(NS + 1, KEY)).isEqualTo(other);
    }

    @Test
    void aForwardJumpOverTenThousandDueEntriesIsPurgedInBoundedBatchesWithWritesBetween() {
        final int batchSize = 1_000;
        final ExpiryAgent agent = agent(batchSize);
        final Random random = new Random(5);
        for (long key = 1; key <= 9_990; key++) {
            store.put(NS, key, T + 60 + random.nextInt(3_600));
        }
        for (long key = 9_991; key <= 10_000; key++) {
            store.put(NS, key, T + 4_000 + key); // the last to come due
        }
        for (long key = 10_001; key <= 10_100; key++) {
            store.put(NS, key, T + 1_000_000); // not due after the jump
        }
        assertThat(agent.doWork()).isZero(); // nothing due yet
        nanoClock.advance(PACE_NS);

        clock.setEpochSeconds(T + 100_000);
        final List<Integer> returned = new ArrayList<>();
        final List<Long> rewritten = new ArrayList<>();
        for (int call = 0; call < 20; call++) {
            final int handled = agent.doWork();
            returned.add(handled);
            if (handled == 0) {
                break;
            }
            // A writer gets the lock between batches: it re-puts a key that is due later in the
            // burst, without an expiration, and that key must survive the sweep.
            final long key = 10_000 - call;
            if (store.locationOf(NS, key) != null) { // not yet purged: still due later in the burst
                rewritten.add(key);
                store.put(NS, key, NO_EXPIRATION);
            }
        }

        assertThat(returned).containsExactly(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 0);
        assertThat(store.batches()).containsExactly(0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 0);
        assertThat(store.purged() + store.stale()).isEqualTo(10_000);
        assertThat(rewritten).hasSize(9); // after the tenth batch nothing due is left
        assertThat(store.stale()).isEqualTo(rewritten.size());
        assertThat(store.liveKeys()).isEqualTo(100 + rewritten.size());
        for (long key : rewritten) {
            assertThat(store.locationOf(NS, key)).isNotNull();
        }
        assertThat(store.queue.size()).isEqualTo(100);
        assertThat(store.queue.peekExpiration()).isEqualTo(T + 1_000_000);
    }

    @Test
    void aBackwardJumpPurgesNothingNewAndBringsNothingBack() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        for (long key = 0; key < 10; key++) {
            store.put(NS, key + 1, T + 10 + key); // due at T+10 .. T+19
        }
        clock.setEpochSeconds(T + 15);
        assertThat(agent.doWork()).isEqualTo(6);
        assertThat(store.liveKeys()).isEqualTo(4);

        clock.setEpochSeconds(T + 5);
        nanoClock.advance(PACE_NS);
        assertThat(agent.doWork()).isZero();
        assertThat(store.purged()).isEqualTo(6);
        assertThat(store.liveKeys()).isEqualTo(4);
        for (long key = 0; key < 6; key++) {
            assertThat(store.locationOf(NS, key + 1)).isNull();
        }

        clock.setEpochSeconds(T + 19);
        nanoClock.advance(PACE_NS);
        assertThat(agent.doWork()).isEqualTo(4);
        assertThat(store.liveKeys()).isZero();
    }

    @Test
    void nowIsTheClocksEpochSecondRoundedDown() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        store.put(NS, KEY, T + 10);
        clock.setEpochMillis((T + 10) * 1000 - 1);
        assertThat(agent.doWork()).isZero();
        nanoClock.advance(PACE_NS);
        clock.setEpochMillis((T + 10) * 1000);
        assertThat(agent.doWork()).isEqualTo(1);
    }

    @Test
    void whenIdleTheNextSweepWaitsOnePace() {
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        assertThat(agent.doWork()).isZero(); // the first call sweeps at once
        assertThat(store.batches()).hasSize(1);
        store.put(NS, KEY, T + 1);
        clock.setEpochSeconds(T + 1);

        nanoClock.advance(PACE_NS - 1);
        assertThat(agent.doWork()).isZero();
        assertThat(store.batches()).hasSize(1); // the sweeper was not even called
        nanoClock.advance(1);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(store.batches()).containsExactly(0, 1);
    }

    @Test
    void inABurstTheNextBatchWaitsAsLongAsTheLastOneTook() {
        final long batchTookNs = 2_000_000;
        store.whileSweeping(() -> nanoClock.advance(batchTookNs));
        final ExpiryAgent agent = agent(2);
        for (long key = 1; key <= 5; key++) {
            store.put(NS, key, T + 1);
        }
        clock.setEpochSeconds(T + 1);
        assertThat(agent.doWork()).isEqualTo(2);

        nanoClock.advance(batchTookNs - 1);
        assertThat(agent.doWork()).isZero();
        assertThat(store.batches()).hasSize(1);
        nanoClock.advance(1);
        assertThat(agent.doWork()).isEqualTo(2);
        nanoClock.advance(batchTookNs);
        assertThat(agent.doWork()).isEqualTo(1); // the end of the burst: back to the pace
        nanoClock.advance(PACE_NS - 1);
        assertThat(agent.doWork()).isZero();
        assertThat(store.batches()).containsExactly(2, 2, 1);
    }

    @Test
    void afterAChurnOfRePutsTheAgentPurgesEachLiveKeyOnceInBoundedBatches() {
        // What this checks is the agent: stale entries cost it a batch slot, never a purge, and
        // no batch exceeds the batch size. The queue's growth bound under churn is the store's
        // rule, not this double's: ExpiryQueueGrowthTest checks it on the engine.
        final int keys = 100;
        for (int round = 0; round < 1_000; round++) {
            for (long key = 1; key <= keys; key++) {
                store.put(NS, key, T + 86_400 + round); // long TTLs: nothing comes due
            }
        }
        final long queued = store.queue.size();
        assertThat(queued).as("stale entries for the agent to skip").isGreaterThan(keys);

        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        clock.setEpochSeconds(T + 86_400 + 1_000);
        long handled = 0;
        for (int work = agent.doWork(); work > 0; work = agent.doWork()) {
            assertThat(work).isLessThanOrEqualTo(ExpiryAgent.DEFAULT_BATCH_SIZE);
            handled += work;
            nanoClock.advance(PACE_NS);
        }
        assertThat(handled).as("every queued entry, stale or live, handled once").isEqualTo(queued);
        assertThat(store.purged()).as("each live key purged once, no stale one").isEqualTo(keys);
        assertThat(store.liveKeys()).isZero();
    }

    @Test
    void rejectsBadOptionsAndABadSweeperCount() {
        assertThatThrownBy(() -> new ExpiryAgent(store, clock, nanoClock, 0, PACE_NS))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize=0");
        assertThatThrownBy(() -> new ExpiryAgent(store, clock, nanoClock, 1, -1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paceNs=-1");
        final ExpiryAgent liar = new ExpiryAgent((now, max) -> max + 1, clock, nanoClock, 10, PACE_NS);
        assertThatThrownBy(liar::doWork).isInstanceOf(IllegalStateException.class).hasMessageContaining("handled 11");
        final ExpiryAgent agent = agent(ExpiryAgent.DEFAULT_BATCH_SIZE);
        assertThat(agent.roleName()).isEqualTo("basalt-expiry");
        assertThat(agent.batchSize()).isEqualTo(1_000);
        assertThat(agent.paceNs()).isEqualTo(PACE_NS);
    }
}
